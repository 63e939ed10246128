/**
 * The ScheduleStore and VerdictLog contract on every backend (memory, SQLite, PostgreSQL), and
 * a restart: rows planned by one process fire from the next one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryScheduleStore, createMemoryVerdictLog } from '../../src/core/memory/memory-schedules.ts';
import type { LeadStore, ScheduleStore, VerdictLog } from '../../src/core/ports/index.ts';
import { openStore } from '../../src/store/open-store.ts';
import { type OpenedStore, storeBackends } from '../helpers/stores.ts';
import { createNurtureBot, HOUR } from './harness.ts';

const T0 = new Date('2030-01-07T09:00:00Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);

for (const backend of storeBackends()) {
  describe(`schedule store on ${backend.name}`, () => {
    let opened: OpenedStore | null = null;
    let schedules: ScheduleStore;
    let verdicts: VerdictLog;
    let close = async () => {};
    let leadId: string;

    beforeAll(async () => {
      opened = await backend.open();
      if (!opened) return;
      if (opened.url) {
        const s = await openStore(opened.url);
        schedules = s.schedules!;
        verdicts = s.verdicts!;
        close = () => s.close();
      } else {
        schedules = createMemoryScheduleStore();
        verdicts = createMemoryVerdictLog();
      }
      leadId = (await opened.store.createLead({ name: 'Ann' })).id;
    });
    afterAll(async () => {
      await close();
      await opened?.cleanup();
    });

    const row = (key: string, dueMin: number, kind: 'reminder' | 'nurture' = 'reminder') => ({
      key,
      leadId,
      kind,
      platform: 'telegram' as const,
      workspaceId: '',
      channelId: 'c1',
      sequence: 1,
      dueAt: at(dueMin),
      basis: T0,
    });

    it('plans once per key, claims due rows once across workers, honours leases', async (ctx) => {
      if (!opened) return ctx.skip();
      expect(await schedules.plan(row('a', 10))).toBe(true);
      expect(await schedules.plan(row('a', 99))).toBe(false);
      for (let i = 0; i < 6; i++) await schedules.plan(row(`b${i}`, 20 + i));
      await schedules.plan(row('later', 500));
      const [x, y] = await Promise.all([
        schedules.claim({ workerId: 'w1', limit: 4, now: at(60), leaseMs: 60_000 }),
        schedules.claim({ workerId: 'w2', limit: 4, now: at(60), leaseMs: 60_000 }),
      ]);
      const ids = [...x, ...y].map((r) => r.key).sort();
      expect(ids).toEqual(['a', 'b0', 'b1', 'b2', 'b3', 'b4', 'b5']);
      expect([...x, ...y].every((r) => r.status === 'sending' && r.attempts === 1)).toBe(true);
      // Nothing more is due until the leases expire; then the rows come back to a new worker.
      expect(await schedules.claim({ workerId: 'w3', limit: 10, now: at(60), leaseMs: 60_000 })).toEqual([]);
      const first = x[0]!;
      await schedules.finish(first.id, 'w1', 'sent', 'sent', at(61));
      const again = await schedules.claim({ workerId: 'w3', limit: 10, now: at(62), leaseMs: 60_000 });
      expect(again.map((r) => r.key).sort()).toEqual(ids.filter((k) => k !== first.key));
      // The stale worker's late answer is ignored.
      await schedules.finish(again[0]!.id, 'w1', 'skipped', 'late', at(62));
      await schedules.postpone(again[0]!.id, 'w3', at(300), 'quiet_hours', at(70));
      const list = await schedules.listForLead(leadId);
      expect(list.find((r) => r.key === first.key)).toMatchObject({ status: 'sent', outcome: 'sent' });
      expect(list.find((r) => r.id === again[0]!.id)).toMatchObject({
        status: 'pending',
        outcome: 'quiet_hours',
        dueAt: at(300),
        basis: at(70),
      });
    });

    it('cancels pending rows of a lead, by kind or all', async (ctx) => {
      if (!opened) return ctx.skip();
      await schedules.plan(row('n1', 900, 'nurture'));
      await schedules.plan(row('r9', 900));
      expect(await schedules.cancelPending(leadId, 'engaged', at(100), ['nurture'])).toBe(1);
      const n = await schedules.cancelPending(leadId, 'stopped', at(100));
      expect(n).toBeGreaterThanOrEqual(2);
      const rows = await schedules.listForLead(leadId);
      expect(rows.filter((r) => r.status === 'pending')).toEqual([]);
      expect(rows.find((r) => r.key === 'n1')).toMatchObject({ status: 'cancelled', outcome: 'engaged' });
    });

    it('email rows: channel kept, cancelled by channel, a note survives a lost runner, sentVia recorded', async (ctx) => {
      if (!opened) return ctx.skip();
      await schedules.plan({ ...row('e1', 1000, 'nurture'), channel: 'email' });
      await schedules.plan({ ...row('e2', 1000, 'nurture'), channel: 'chat-then-email' });
      await schedules.plan(row('c1', 1000, 'nurture'));
      expect(await schedules.cancelPending(leadId, 'invalid_address', at(100), undefined, ['email'])).toBe(1);
      const byKey = (rows: { key: string }[], key: string) => rows.find((r) => r.key === key);
      const e2 = byKey(
        await schedules.claim({ workerId: 'w1', limit: 50, now: at(1000), leaseMs: 60_000 }),
        'e2',
      ) as Awaited<ReturnType<ScheduleStore['claim']>>[number] | undefined;
      expect(e2).toMatchObject({ key: 'e2', channel: 'chat-then-email', sentVia: null });
      await schedules.note(e2!.id, 'other-worker', 'ignored');
      await schedules.note(e2!.id, 'w1', 'email_in_flight');
      // The runner died: the lease runs out and the next claim reads the note.
      const again = (
        await schedules.claim({ workerId: 'w2', limit: 50, now: at(1002), leaseMs: 60_000 })
      ).find((r) => r.id === e2!.id);
      expect(again).toMatchObject({ id: e2!.id, outcome: 'email_in_flight', attempts: 2 });
      await schedules.finish(again!.id, 'w2', 'sent', 'sent', at(1002), 'email');
      const rows = await schedules.listForLead(leadId);
      expect(rows.find((r) => r.key === 'e1')).toMatchObject({ status: 'cancelled', channel: 'email' });
      expect(rows.find((r) => r.key === 'e2')).toMatchObject({ status: 'sent', sentVia: 'email' });
      expect(rows.find((r) => r.key === 'c1')).toMatchObject({ channel: 'chat', sentVia: null });
      await schedules.cancelPending(leadId, 'cleanup', at(1003));
    });

    // The database cascades; the memory stores are per process and not tied to the lead store.
    if (backend.name !== 'memory')
      it('forgetting a lead erases its scheduled messages and verdicts', async (ctx) => {
        if (!opened) return ctx.skip();
        const other = await opened.store.createLead({ name: 'Zoe' });
        await schedules.plan({ ...row('zoe', 10), leadId: other.id });
        await verdicts.record({ leadId: other.id, verdict: 'claimed', actor: 'slack:U1', reason: null });
        await opened.store.deleteLead(other.id);
        expect(await schedules.listForLead(other.id)).toEqual([]);
        expect((await verdicts.list()).some((v) => v.leadId === other.id)).toBe(false);
      });

    it('records rep verdicts', async (ctx) => {
      if (!opened) return ctx.skip();
      await verdicts.record({
        leadId,
        verdict: 'claimed',
        actor: 'slack:U1',
        reason: null,
        createdAt: at(1),
      });
      await verdicts.record({
        leadId,
        verdict: 'rejected',
        actor: 'slack:U2',
        reason: 'student',
        createdAt: at(2),
      });
      expect((await verdicts.list()).map((v) => [v.verdict, v.actor, v.reason])).toEqual([
        ['claimed', 'slack:U1', null],
        ['rejected', 'slack:U2', 'student'],
      ]);
    });
  });
}

describe('several instances', () => {
  it('two runners on one SQLite file send each due reminder once', async () => {
    const sqlite = storeBackends().find((b) => b.name === 'sqlite')!;
    const opened = (await sqlite.open())!;
    const a = await openStore(opened.url!);
    const b = await openStore(opened.url!);
    try {
      const bot = await createNurtureBot({ store: opened.store, schedules: a.schedules });
      for (let i = 0; i < 8; i++) {
        await bot.handle({
          kind: 'message',
          text: 'hi',
          platform: 'console',
          workspaceId: '',
          channelId: `dm-${i}`,
          userId: `u-${i}`,
          isDirect: true,
          eventId: `e-${i}`,
        });
      }
      bot.clock.advance(2 * HOUR);
      const other = await createNurtureBot({
        store: opened.store,
        schedules: b.schedules,
        start: bot.clock.now(),
      });
      const r1 = bot.makeRunner('w1');
      const r2 = other.makeRunner('w2');
      const results = await Promise.all([r1.runOnce(), r2.runOnce(), r1.runOnce(), r2.runOnce()]);
      expect(results.reduce((n, r) => n + r.sent, 0)).toBe(8);
      const channels = [...bot.sent, ...other.sent].map((s) => s.channelId).sort();
      expect(channels).toEqual([...Array(8).keys()].map((i) => `dm-${i}`).sort());
    } finally {
      await a.close();
      await b.close();
      await opened.cleanup();
    }
  });
});

describe('restart', () => {
  it('a reminder planned before a restart fires from the new process (SQLite)', async () => {
    const sqlite = storeBackends().find((b) => b.name === 'sqlite')!;
    const opened = (await sqlite.open())!;
    const first = await openStore(opened.url!);
    const bot = await createNurtureBot({ store: opened.store, schedules: first.schedules });
    await bot.say('hi');
    await first.close();
    await opened.store.close();

    const { default: pino } = await import('pino');
    const store: LeadStore = await openStore(opened.url!, { logger: pino({ level: 'silent' }) });
    const second = await openStore(opened.url!);
    try {
      const after = await createNurtureBot({
        store,
        schedules: second.schedules,
        start: new Date(T0.getTime() + 2 * HOUR),
      });
      const result = await after.makeRunner('w-new').runOnce();
      expect(
        result,
        JSON.stringify(await second.schedules!.listForLead((await after.lead()).id)),
      ).toMatchObject({ sent: 1 });
      expect(after.sent[0]!.messages.map((m) => m.text)).toEqual(['Still there?', 'What do you need?']);
    } finally {
      await second.close();
      await store.close();
      await opened.cleanup().catch(() => undefined);
    }
  });
});
