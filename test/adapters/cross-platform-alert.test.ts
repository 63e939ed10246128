/**
 * Issue 5's "done when": a lead qualified on any platform produces exactly one alert in the
 * fake sales channel. A prospect talks to the real Telegram adapter (grammY against the fake
 * Bot API) and reaches SQL through the real engine; the real outbox dispatcher (two of them,
 * as with two instances) hands the alert to the Slack sink (real WebClient against the fake
 * Slack API). Run on the memory store and on SQLite.
 */
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAlertSink } from '../../adapters/slack/alert-sink.ts';
import { SALES_ALERT } from '../../src/core/lead-lifecycle.ts';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher.ts';
import type { Clock } from '../../src/core/ports/index.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { createTestEngine, silentLogger } from '../helpers/engine.ts';
import { type OpenedStore, storeBackends } from '../helpers/stores.ts';
import { type Harness, person, qualify, startHarness } from './telegram/harness.ts';

const SALES = 'C0SALES';
// Outbox rows are stamped by the store (wall clock or the engine's test clock): a minute ahead makes them due.
const clock: Clock = { now: () => new Date(Date.now() + 60_000) };

let harness: Harness | undefined;
let slack: FakeSlackApi | undefined;
let opened: OpenedStore | null = null;
afterEach(async () => {
  await harness?.close();
  await slack?.close();
  await opened?.cleanup();
  harness = undefined;
  slack = undefined;
  opened = null;
});

describe.each(['memory', 'sqlite'] as const)(
  'a Telegram lead alerts the Slack sales channel once (%s)',
  (name) => {
    it('reaching SQL on Telegram posts exactly one chat.postMessage to the sales channel', async () => {
      opened = await storeBackends()
        .find((b) => b.name === name)!
        .open();
      const store = opened!.store;
      const { engine } = await createTestEngine({ store });
      harness = await startHarness('polling', engine.handle, silentLogger);
      slack = await startFakeSlackApi({ channels: [SALES] });
      const client = new webApi.WebClient('xoxb-test', {
        slackApiUrl: slack.apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      });
      const sink = createSlackAlertSink({ client, channel: SALES, logger: silentLogger });
      const dispatcher = (workerId: string) =>
        createOutboxDispatcher({
          store,
          sinks: { [SALES_ALERT]: sink },
          clock,
          logger: silentLogger,
          workerId,
        });

      await qualify(person(harness));
      const identity = await store.findIdentity({ platform: 'telegram', workspaceId: '', userId: '7001' });
      const lead = await store.getLead(identity!.leadId);
      expect(lead?.stage).toBe('SQL');

      const [a, b] = [dispatcher('instance-1'), dispatcher('instance-2')];
      const rounds = await Promise.all([a.runOnce(), b.runOnce()]);
      await a.runOnce();
      await b.runOnce();

      expect(rounds.reduce((n, r) => n + r.delivered, 0)).toBe(1);
      const posts = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === SALES);
      expect(posts).toHaveLength(1);
      expect(posts[0]!.args.metadata.event_payload.lead_id).toBe(lead!.id);
      expect(posts[0]!.args.text).toContain('Acme Corp');
      expect(slack.channels.get(SALES)).toHaveLength(1);
      const [row] = await store.outbox.list({ kind: SALES_ALERT });
      expect(row).toMatchObject({ status: 'delivered', externalRef: slack.channels.get(SALES)![0]!.ts });
    });
  },
);
