/**
 * Two dispatchers (two workers, each with its own store connection, as two instances would
 * have) drain one database of 50 real sales alerts concurrently into the fake Slack API:
 * exactly 50 posts, one per idempotency key, every row delivered with its Slack ts.
 * Runs on PostgreSQL (row claiming under real concurrency) and on SQLite (two stores, one file).
 */
import { webApi } from '@slack/bolt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAlertSink } from '../../../adapters/slack/alert-sink.ts';
import { changeStage, SALES_ALERT } from '../../../src/core/lead-lifecycle.ts';
import { createOutboxDispatcher, type OutboxDispatcher } from '../../../src/core/outbox/dispatcher.ts';
import type { LeadStore } from '../../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../../src/core/webhooks/lead-events.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../fakes/slack-api.ts';
import { createTestClock, silentLogger } from '../../helpers/engine.ts';
import { type OpenedStore, storeBackends } from '../../helpers/stores.ts';

const ROWS = 50;
const CHANNEL = 'C0SALES';
const logger = pino({ level: 'silent' });

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Writes `n` leads and moves each to SQL through the lifecycle, so the outbox rows are the real ones. */
async function qualifyLeads(store: LeadStore, n: number, now: Date): Promise<void> {
  for (let i = 0; i < n; i++) {
    const lead = await store.createLead({ name: `Lead ${i}`, company: `Co ${i}` });
    const r = await store.transaction((tx) =>
      changeStage(tx, NO_LEAD_EVENTS, {
        leadId: lead.id,
        to: 'SQL',
        reason: 'test: qualified',
        actor: 'engine',
        now,
      }),
    );
    expect(r.alertQueued).toBe(true);
  }
}

function dispatcherFor(store: LeadStore, fake: FakeSlackApi, workerId: string): OutboxDispatcher {
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const sink = createSlackAlertSink({ client, channel: CHANNEL, logger: silentLogger });
  return createOutboxDispatcher({
    store,
    sinks: { [SALES_ALERT]: sink },
    // The store stamps rows with the wall clock; a minute ahead makes every row due.
    clock: createTestClock(new Date(Date.now() + 60_000)),
    logger: silentLogger,
    workerId,
    batchSize: 5,
  });
}

/** Runs rounds until a round finds nothing; both workers race on the same rows meanwhile. */
async function drain(d: OutboxDispatcher): Promise<number> {
  let delivered = 0;
  for (;;) {
    const r = await d.runOnce();
    delivered += r.delivered;
    if (r.delivered + r.retried + r.failed === 0) return delivered;
  }
}

for (const name of ['postgres', 'sqlite'] as const) {
  describe(`two dispatchers on one ${name} database`, () => {
    it(`post each of ${ROWS} alerts exactly once`, async (ctx) => {
      const opened: OpenedStore | null = await storeBackends()
        .find((b) => b.name === name)!
        .open();
      if (!opened) return ctx.skip();
      cleanups.push(() => opened.cleanup());
      const second = await openStore(opened.url!, { logger });
      cleanups.push(() => second.close());
      const fake = await startFakeSlackApi({ channels: [CHANNEL] });
      cleanups.push(() => fake.close());

      await qualifyLeads(opened.store, ROWS, new Date());
      const a = dispatcherFor(opened.store, fake, 'worker-a');
      const b = dispatcherFor(second, fake, 'worker-b');
      const [da, db] = await Promise.all([drain(a), drain(b)]);

      expect(da + db).toBe(ROWS);
      // Both really worked the queue (otherwise this would not test concurrent claiming).
      expect(da).toBeGreaterThan(0);
      expect(db).toBeGreaterThan(0);
      const posts = fake.callsTo('chat.postMessage');
      expect(posts).toHaveLength(ROWS);
      const keys = posts.map((p) => p.args.metadata?.event_payload?.idempotency_key as string);
      expect(new Set(keys).size).toBe(ROWS);
      const rows = await opened.store.outbox.list({ kind: SALES_ALERT });
      expect(rows).toHaveLength(ROWS);
      const tsByKey = new Map(
        fake.channels.get(CHANNEL)!.map((m) => [m.metadata?.event_payload?.idempotency_key as string, m.ts]),
      );
      for (const row of rows) {
        expect(row.status).toBe('delivered');
        expect(row.externalRef).toBe(tsByKey.get(row.idempotencyKey));
      }
    });
  });
}
