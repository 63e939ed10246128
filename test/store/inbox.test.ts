/**
 * The InboxStore contract on every backend (memory, SQLite, PostgreSQL): de-duplicated receipt,
 * leases that keep two instances off one row, take-over by a resending client, failures and
 * retries, and pruning of old rows (inbox and `ProcessedEvent`) driven by the inbox's clock.
 * The SQL backends run the "other instance" on a second store opened on the same database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../src/core/inbox/inbox.ts';
import type { InboxStore, LeadStore } from '../../src/core/ports/index.ts';
import { directStatementCount } from '../../src/store/direct-raw.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestClock, silentLogger } from '../helpers/engine.ts';
import { type OpenedStore, storeBackends } from '../helpers/stores.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

for (const backend of storeBackends()) {
  describe(`inbox store on ${backend.name}`, () => {
    let opened: OpenedStore | null = null;
    let a: InboxStore;
    let b: InboxStore;
    let store: LeadStore;
    let close = async () => {};

    beforeAll(async () => {
      opened = await backend.open();
      if (!opened) return;
      store = opened.store;
      a = store.inbox!;
      if (opened.url) {
        const other = await openStore(opened.url, { logger: silentLogger });
        b = other.inbox!;
        close = () => other.close();
      } else {
        b = a; // one process: the same tables
      }
    }, 60_000);
    afterAll(async () => {
      await close();
      await opened?.cleanup();
    });

    const T0 = new Date('2030-03-04T10:00:00.000Z');
    const at = (ms: number) => new Date(T0.getTime() + ms);
    const lease = (workerId: string, ms: number) => ({ workerId, now: at(ms), leaseMs: MINUTE });

    it('stores an event once, leased to its receiver, and keeps odd text intact', async (ctx) => {
      if (!opened) return ctx.skip();
      const payload = JSON.stringify({ text: 'nul \u0000 lone \ud800 bidi \u202e end' });
      const first = await a.receive({ ...lease('w1', 0), platform: 'slack', eventId: 'Ev1', payload });
      expect(first).toMatchObject({ status: 'pending', attempts: 1, lockedBy: 'w1', payload });
      expect(
        await b.receive({ ...lease('w2', 1), platform: 'slack', eventId: 'Ev1', payload: '{}' }),
      ).toBeNull();
      // The same id on another platform is another event.
      expect(
        await b.receive({ ...lease('w2', 1), platform: 'telegram', eventId: 'Ev1', payload: '{}' }),
      ).not.toBeNull();
      const stored = await b.get('slack', 'Ev1');
      expect(stored?.payload).toBe(payload);
      expect(JSON.parse(stored!.payload!).text).toBe('nul \u0000 lone \ud800 bidi \u202e end');
      expect(stored?.receivedAt.getTime()).toBe(T0.getTime());
    });

    it('claims due rows once across instances, oldest first, only for the platforms asked', async (ctx) => {
      if (!opened) return ctx.skip();
      for (let i = 0; i < 6; i++) {
        await a.receive({
          ...lease('dead', 10 * MINUTE + i),
          platform: 'web',
          eventId: `c${i}`,
          payload: `{"i":${i}}`,
        });
      }
      await a.receive({
        ...lease('dead', 10 * MINUTE),
        platform: 'discord',
        eventId: 'other',
        payload: '{}',
      });
      // Still leased to the receiver: nobody may take them.
      expect(await b.claim({ ...lease('w2', 10 * MINUTE + 30_000), limit: 10, platforms: ['web'] })).toEqual(
        [],
      );
      const now = 12 * MINUTE;
      const [x, y] = await Promise.all([
        a.claim({ ...lease('w1', now), limit: 4, platforms: ['web'] }),
        b.claim({ ...lease('w2', now), limit: 4, platforms: ['web'] }),
      ]);
      const keys = [...x, ...y].map((r) => r.eventId).sort();
      expect(keys).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
      for (const batch of [x, y]) {
        const order = batch.map((r) => r.receivedAt.getTime());
        expect(order).toEqual([...order].sort((p, q) => p - q));
      }
      expect([...x, ...y].every((r) => r.attempts === 2 && r.status === 'pending')).toBe(true);
      expect(x.every((r) => r.lockedBy === 'w1') && y.every((r) => r.lockedBy === 'w2')).toBe(true);
      expect(await a.claim({ ...lease('w3', now), limit: 10, platforms: ['web'] })).toEqual([]);
      for (const r of [...x, ...y]) await a.markProcessed(r.id, at(now), null);
    });

    it('lets a resending client take over a row nobody holds, and tells it how the row stands', async (ctx) => {
      if (!opened) return ctx.skip();
      const row = await a.receive({
        ...lease('w1', 20 * MINUTE),
        platform: 'web',
        eventId: 'r1',
        payload: '{"n":1}',
      });
      // w1 holds it: the resend finds it busy.
      const busy = await b.retake({ ...lease('w2', 20 * MINUTE + 1000), platform: 'web', eventId: 'r1' });
      expect(busy).toMatchObject({ claimed: false, entry: { status: 'pending', lockedBy: 'w1' } });
      // w1 failed and waits for a retry: nobody holds it, the resend takes it at once.
      await a.markFailed(row!.id, 'w1', 'Error: database away', at(30 * MINUTE), at(20 * MINUTE + 2000));
      const taken = await b.retake({ ...lease('w2', 20 * MINUTE + 3000), platform: 'web', eventId: 'r1' });
      expect(taken).toMatchObject({
        claimed: true,
        entry: { lockedBy: 'w2', attempts: 2, lastError: 'Error: database away' },
      });
      const replies = [{ kind: 'info', text: 'done \u0000 \ud800' }];
      await b.markProcessed(row!.id, at(20 * MINUTE + 4000), replies);
      const done = await a.retake({
        ...lease('w3', 20 * MINUTE + 5000),
        platform: 'web',
        eventId: 'r1',
        force: true,
      });
      expect(done).toMatchObject({
        claimed: false,
        entry: { status: 'processed', payload: null, result: replies },
      });
      expect(done?.entry.processedAt?.getTime()).toBe(at(20 * MINUTE + 4000).getTime());
      expect(await a.retake({ ...lease('w3', 0), platform: 'web', eventId: 'never' })).toBeNull();
      // `force` takes a row from a holder whose lease still runs (a resend: that request may be dead).
      await a.receive({ ...lease('w1', 21 * MINUTE), platform: 'web', eventId: 'r2', payload: '{}' });
      const forced = await b.retake({
        ...lease('w2', 21 * MINUTE + 1000),
        platform: 'web',
        eventId: 'r2',
        force: true,
      });
      expect(forced).toMatchObject({ claimed: true, entry: { lockedBy: 'w2', attempts: 2 } });
      // ...but never from its own worker: that work is in flight right here.
      const own = await b.retake({
        ...lease('w2', 21 * MINUTE + 2000),
        platform: 'web',
        eventId: 'r2',
        force: true,
      });
      expect(own).toMatchObject({ claimed: false, entry: { lockedBy: 'w2', attempts: 2 } });
    });

    it('receipts and processed marks arriving together share one statement each; each call keeps its own outcome', async (ctx) => {
      if (!opened) return ctx.skip();
      const sql = opened.url !== undefined; // the SQL stores count their statements (direct-raw.ts)
      await a.receive({ ...lease('w1', 0), platform: 'web', eventId: 'burst-old', payload: '{}' });
      const ids = [
        ...Array.from({ length: 18 }, (_, i) => `burst-${i}`),
        'burst-dup',
        'burst-dup',
        'burst-old',
      ];
      let before = directStatementCount();
      const received = await Promise.all(
        ids.map((eventId, i) =>
          a.receive({ ...lease('w1', 1000), platform: 'web', eventId, payload: JSON.stringify({ i }) }),
        ),
      );
      if (sql) expect(directStatementCount() - before).toBe(1);
      expect(received.slice(0, 18).every((r, i) => r?.payload === JSON.stringify({ i }))).toBe(true);
      expect(received.slice(18, 20).filter((r) => r !== null)).toHaveLength(1); // the same event twice
      expect(received[20]).toBeNull(); // stored before
      // One of them failed for good meanwhile: a late "processed" mark leaves it failed.
      const failed = received[0]!;
      await a.markFailed(failed.id, 'w1', 'Error: for good', null, at(1500));
      const live = received.filter((r) => r !== null);
      before = directStatementCount();
      await Promise.all(
        live.map((r, i) => a.markProcessed(r.id, at(2000 + i), i % 2 ? [{ n: i }] : undefined)),
      );
      if (sql) expect(directStatementCount() - before).toBe(1);
      for (const [i, r] of live.entries()) {
        const stored = await b.get('web', r.eventId);
        if (r === failed) {
          expect(stored).toMatchObject({ status: 'failed', lastError: 'Error: for good' });
          continue;
        }
        expect(stored).toMatchObject({
          status: 'processed',
          payload: null,
          result: i % 2 ? [{ n: i }] : null,
        });
        expect(stored?.processedAt?.getTime()).toBe(at(2000 + i).getTime());
      }
    });

    it('ignores a failure reported by a worker whose lease was taken over, and fails a row for good', async (ctx) => {
      if (!opened) return ctx.skip();
      const row = await a.receive({
        ...lease('w1', 40 * MINUTE),
        platform: 'failing',
        eventId: 'f1',
        payload: '{}',
      });
      const [again] = await b.claim({ ...lease('w2', 42 * MINUTE), limit: 10, platforms: ['failing'] });
      expect(again?.id).toBe(row!.id);
      await a.markFailed(row!.id, 'w1', 'late', at(50 * MINUTE), at(42 * MINUTE)); // w1 lost its lease
      expect(await a.get('failing', 'f1')).toMatchObject({ lockedBy: 'w2', lastError: null });
      await b.markFailed(row!.id, 'w2', 'x'.repeat(5000), null, at(43 * MINUTE));
      const failed = await a.get('failing', 'f1');
      expect(failed).toMatchObject({ status: 'failed', lockedBy: null, payload: '{}' });
      expect(failed?.lastError?.length).toBe(2000);
      expect(failed?.processedAt?.getTime()).toBe(at(43 * MINUTE).getTime());
      // A failed row is never claimed again, and marking it processed changes nothing.
      expect(await b.claim({ ...lease('w2', 99 * MINUTE), limit: 10, platforms: ['failing'] })).toEqual([]);
      await a.markProcessed(row!.id, at(44 * MINUTE));
      expect((await a.get('failing', 'f1'))?.status).toBe('failed');
    });

    it('prunes processed rows and de-duplication rows after the retention window, on the inbox clock', async (ctx) => {
      if (!opened) return ctx.skip();
      // A clock anchored on the wall clock: ProcessedEvent rows are stamped by the store's own time.
      const clock = createTestClock(new Date());
      const inbox = createInbox({ store: a, clock, logger: silentLogger, workerId: 'p1' });
      inbox.handle('prune', async () => undefined);
      for (let i = 0; i < 3; i++) {
        const row = await inbox.receive('prune', `p${i}`, '{}');
        await inbox.run(row!);
        await store.markEventProcessed('prune', `p${i}`);
      }
      // No instance processes this platform: the row stays pending, and pending rows stay.
      expect(await inbox.receive('unhandled', 'waiting', '{}')).not.toBeNull();
      expect(await a.get('prune', 'p0')).toMatchObject({ status: 'processed', payload: null });

      clock.advance(6 * DAY); // within the 7-day window: nothing goes
      expect((await inbox.runOnce()).pruned).toEqual({ inbox: 0, events: 0 });
      expect(await store.markEventProcessed('prune', 'p0')).toBe(false);

      clock.advance(DAY + MINUTE); // past it (rows of the tests above were processed in 2030)
      expect((await inbox.runOnce()).pruned).toEqual({ inbox: 3, events: 3 });
      expect(await a.get('prune', 'p0')).toBeNull();
      expect((await a.get('unhandled', 'waiting'))?.status).toBe('pending');
      expect(await store.markEventProcessed('prune', 'p0')).toBe(true); // forgotten: new again
    });
  });
}
