/**
 * The dashboard session store, one contract for every backend (memory, SQLite, PostgreSQL):
 * sliding expiry, revocation, pruning. A session touched on one store is seen by another store
 * on the same database (another instance).
 */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { silentLogger } from '../helpers/engine.ts';
import { storeBackends } from '../helpers/stores.ts';

const t0 = new Date('2026-03-01T08:00:00.000Z');
const at = (hours: number) => new Date(t0.getTime() + hours * 3_600_000);

describe.each(storeBackends())('session store on $name', (backend) => {
  it('slides, expires, revokes and prunes', async (ctx) => {
    const opened = await backend.open();
    if (!opened) return ctx.skip();
    const sessions = opened.store.sessions!;
    try {
      await sessions.create({ idHash: 'h1', now: t0, expiresAt: at(12) });
      await sessions.create({ idHash: 'h2', now: t0, expiresAt: at(12) });
      expect(await sessions.touch('h1', at(11), at(23))).toBe(true);
      expect(await sessions.touch('h1', at(22), at(34))).toBe(true); // slid past its first 12 h
      expect(await sessions.touch('h2', at(12), at(24))).toBe(false); // expired at 12 h
      expect(await sessions.touch('nope', at(1), at(13))).toBe(false);
      expect(await sessions.prune(at(30))).toBe(1); // h2
      if (opened.url) {
        // Another instance on the same database sees the same session, and its revocation.
        const other = await openStore(opened.url, { logger: silentLogger });
        try {
          expect(await other.sessions!.touch('h1', at(23), at(35))).toBe(true);
          await other.sessions!.revoke('h1');
        } finally {
          await other.close();
        }
      } else {
        await sessions.revoke('h1');
      }
      expect(await sessions.touch('h1', at(24), at(36))).toBe(false);
      await sessions.revoke('h1'); // twice is fine
    } finally {
      await opened.cleanup();
    }
  });
});
