/**
 * The counter store, one contract for every backend (memory, SQLite, PostgreSQL): a sequence
 * starts at 0, counts each name apart, `peek` shows the next number without taking it, and instances on one database share it — concurrent
 * calls from two stores each get a different number, none skipped.
 */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { silentLogger } from '../helpers/engine.ts';
import { storeBackends } from '../helpers/stores.ts';

describe.each(storeBackends())('counter store on $name', (backend) => {
  it('counts from 0 per name, and shares the count between instances', async (ctx) => {
    const opened = await backend.open();
    if (!opened) return ctx.skip();
    try {
      const counters = opened.store.counters;
      expect(await counters.peek('a')).toBe(0);
      expect([await counters.next('a'), await counters.next('a'), await counters.next('b')]).toEqual([
        0, 1, 0,
      ]);
      // peek names the next number without taking it.
      expect([await counters.peek('a'), await counters.peek('a'), await counters.next('a')]).toEqual([
        2, 2, 2,
      ]);
      const other = opened.url ? await openStore(opened.url, { logger: silentLogger }) : opened.store;
      try {
        const taken = await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? counters : other.counters).next('a')),
        );
        expect([...taken].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 3));
        expect(await other.counters.peek('a')).toBe(43);
      } finally {
        if (other !== opened.store) await other.close();
      }
    } finally {
      await opened.cleanup();
    }
  });
});
