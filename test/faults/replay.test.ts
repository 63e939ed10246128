/**
 * Replay: every platform event is delivered two or three times — concurrently, to two engine
 * instances on one database (another process would see the same), and once more after the
 * conversation finished. De-duplication on (platform, event id) must make every copy after
 * the first a no-op: the same answers, score, stage and alerts as a clean run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/core/events.ts';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestEngine, dm } from '../helpers/engine.ts';
import { type OpenedStore, storeBackends } from '../helpers/stores.ts';
import { loadScripts, randomId } from '../scale/cluster.ts';
import { referenceOutcomes, storedOutcome } from '../scale/verify.ts';

const CONVERSATIONS = Number(process.env.REPLAY_CONVERSATIONS ?? 12);
const opened: OpenedStore[] = [];
const extra: LeadStore[] = [];

afterAll(async () => {
  for (const s of extra) await s.close();
  for (const o of opened) await o.cleanup();
});

function eventsOf(
  steps: Awaited<ReturnType<typeof loadScripts>>[number]['transcript']['steps'],
  userId: string,
) {
  return steps.map((step) => {
    const body =
      'say' in step
        ? ({ kind: 'message', text: step.say } as const)
        : 'choose' in step
          ? ({ kind: 'choice', values: step.choose } as const)
          : ({ kind: 'command', name: step.command, args: step.args } as const);
    return dm(body, { userId, channelId: `dm-${userId}`, eventId: randomId() });
  });
}

describe.each(storeBackends())('replayed events on the $name store', (backend) => {
  it('counts no answer twice and alerts once per SQL lead', async (ctx) => {
    const o = await backend.open();
    if (!o) return ctx.skip();
    opened.push(o);
    // PostgreSQL: a second client stands for a second process. SQLite is single-instance (one
    // writer); two clients in one process would block each other's event loop in the busy wait.
    const shared = backend.name === 'postgres' && o.url;
    const second = shared ? await openStore(o.url!) : o.store;
    if (shared) extra.push(second);
    const engines = [
      (await createTestEngine({ store: o.store })).engine,
      (await createTestEngine({ store: second })).engine,
    ];
    const scripts = await loadScripts();
    const reference = await referenceOutcomes(scripts);
    const runs = Array.from({ length: CONVERSATIONS }, (_, i) => {
      const script = scripts[i % scripts.length]!;
      const userId = `replay-${i}`;
      return { userId, script, events: eventsOf(script.transcript.steps, userId) };
    });

    let deliveries = 0;
    let answeredTwice = 0;
    const deliver = (e: InboundEvent) => {
      deliveries += 1;
      return engines[Math.random() < 0.5 ? 0 : 1]!.handle(e);
    };
    await Promise.all(
      runs.map(async ({ events }) => {
        for (const e of events) {
          const copies = 2 + (Math.random() < 0.5 ? 1 : 0);
          const replies = await Promise.all(Array.from({ length: copies }, () => deliver(e)));
          if (replies.filter((r) => r.length > 0).length > 1) answeredTwice += 1;
        }
      }),
    );
    // A late redelivery of everything (a platform resending after a long outage).
    const late = await Promise.all(runs.flatMap((r) => r.events.map(deliver)));
    const lateAnswered = late.filter((r) => r.length > 0).length;

    let extraAnswers = 0;
    for (const { userId, script } of runs) {
      const got = await storedOutcome(o.store, 'console', userId);
      const want = reference.get(script.name)!;
      extraAnswers += (got?.answers ?? 0) - want.answers;
      expect(got, `${script.name} of ${userId}`).toEqual(want);
    }
    const sql = runs.filter((r) => reference.get(r.script.name)?.stage === 'SQL').length;
    const alerts = (await o.store.outbox.list({ kind: 'sales_alert' })).length;
    console.log(
      `[replay:${backend.name}] ${deliveries} deliveries of ${runs.reduce((n, r) => n + r.events.length, 0)} events: ` +
        `${extraAnswers} answers counted twice, ${answeredTwice + lateAnswered} duplicate replies, ${alerts}/${sql} alerts`,
    );
    expect(extraAnswers).toBe(0);
    expect(answeredTwice).toBe(0);
    expect(lateAnswered).toBe(0);
    expect(alerts).toBe(sql);
  }, 120_000);
});
