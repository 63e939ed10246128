/**
 * The outbox dispatcher with the real Slack sink (real WebClient → fake Slack Web API) over a
 * real store: 429 storms, 5xx, permanent errors, give-up, and a crash between post and mark.
 */
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAlertSink } from '../../../adapters/slack/alert-sink.ts';
import { createMemoryStore } from '../../../src/core/memory/memory-store.ts';
import { createOutboxDispatcher, type OutboxDispatcherOptions } from '../../../src/core/outbox/dispatcher.ts';
import type { JsonValue, LeadStore } from '../../../src/core/ports/index.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../fakes/slack-api.ts';
import { hostileAlert } from '../../fixtures/slack/alert-payload.ts';
import { createTestClock, silentLogger, type TestClock } from '../../helpers/engine.ts';

let fake: FakeSlackApi;
let store: LeadStore;
let clock: TestClock;

beforeEach(async () => {
  fake = await startFakeSlackApi({ channels: ['C0SALES'] });
  store = createMemoryStore();
  // Rows are stamped with the store's wall clock; the test clock starts a minute ahead so they are due.
  clock = createTestClock(new Date(Date.now() + 60_000));
});
afterEach(async () => {
  await fake.close();
  await store.close();
});

function sink() {
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  return createSlackAlertSink({ client, channel: 'C0SALES', logger: silentLogger });
}

function dispatcher(over: Partial<OutboxDispatcherOptions> = {}) {
  return createOutboxDispatcher({
    store,
    sinks: { sales_alert: sink() },
    clock,
    logger: silentLogger,
    workerId: 'w1',
    leaseMs: 30_000,
    maxAttempts: 6,
    backoff: { baseMs: 1000, maxMs: 60_000 },
    random: () => 0,
    ...over,
  });
}

async function enqueue(n = 1): Promise<void> {
  for (let i = 0; i < n; i++) {
    await store.enqueueOutbox({
      kind: 'sales_alert',
      idempotencyKey: `sales_alert:sc${i}`,
      leadId: null,
      payload: { ...hostileAlert, leadId: `lead-${i}` } as unknown as JsonValue,
    });
  }
}

const posted = () => fake.channels.get('C0SALES') ?? [];

describe('outbox dispatcher', () => {
  it('waits out a 429 storm as Slack asks (Retry-After), then delivers exactly once', async () => {
    await enqueue();
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 2 }, 3);
    const d = dispatcher();
    for (let storm = 0; storm < 3; storm++) {
      expect(await d.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
      // Not due yet, and the sink kind is paused: nothing is attempted.
      expect(await d.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });
      clock.advance(2000);
    }
    expect(await d.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(posted()).toHaveLength(1);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(4);
    const [row] = await store.outbox.list();
    expect(row).toMatchObject({ status: 'delivered', externalRef: posted()[0]!.ts });
  });

  it('retries a 500 after an exponential backoff, then delivers once', async () => {
    await enqueue();
    fake.failNext('chat.postMessage', { status: 500 }, 2);
    const d = dispatcher();
    expect((await d.runOnce()).retried).toBe(1);
    const [first] = await store.outbox.list();
    expect(first!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(500); // base/2 with random 0
    clock.advance(500);
    expect((await d.runOnce()).retried).toBe(1);
    const [second] = await store.outbox.list();
    expect(second!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(1000); // doubled
    clock.advance(1000);
    expect(await d.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(posted()).toHaveLength(1);
  });

  it('fails at once on a permanent error and after maxAttempts on transient ones', async () => {
    await enqueue(2);
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    const d = dispatcher({ maxAttempts: 2, batchSize: 1 });
    expect(await d.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 1 });
    fake.failNext('chat.postMessage', { status: 503 }, 5);
    expect((await d.runOnce()).retried).toBe(1);
    clock.advance(60_000);
    expect((await d.runOnce()).failed).toBe(1);
    const rows = await store.outbox.list({ status: 'failed' });
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.lastError).join()).toMatch(/channel_not_found/);
    expect(posted()).toHaveLength(0);
  });

  it('after a crash between post and markDelivered, the next dispatcher finds the post and does not repost', async () => {
    await enqueue();
    // The process "dies" right after Slack accepted the message: markDelivered never lands.
    const o = store.outbox;
    const dying = {
      outbox: {
        claim: (a: Parameters<typeof o.claim>[0]) => o.claim(a),
        markFailed: (...a: Parameters<typeof o.markFailed>) => o.markFailed(...a),
        get: (id: string) => o.get(id),
        list: (f?: Parameters<typeof o.list>[0]) => o.list(f),
        markDelivered: async () => {
          throw new Error('killed before markDelivered');
        },
      },
    };
    await dispatcher({ store: dying, workerId: 'dead' }).runOnce();
    expect(posted()).toHaveLength(1);
    const survivor = dispatcher({ workerId: 'w2' });
    expect(await survivor.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 }); // still leased
    clock.advance(30_001);
    expect(await survivor.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    const [row] = await store.outbox.list();
    expect(row).toMatchObject({ status: 'delivered', externalRef: posted()[0]!.ts });
  });

  it('start() polls until stop(), which waits for the round in flight', async () => {
    await enqueue(3);
    const d = dispatcher({ pollMs: 5, batchSize: 2 });
    d.start();
    await fake.waitFor(() => posted().length === 3);
    await d.stop();
    expect((await store.outbox.list({ status: 'delivered' })).length).toBe(3);
  });
});
