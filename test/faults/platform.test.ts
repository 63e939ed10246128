/**
 * Platform faults: the fake Slack and Telegram APIs answer 429 and 500 for a stretch. Once they
 * recover, everything is delivered and nothing is lost or doubled: every sales alert reaches
 * the Slack channel exactly once (through the outbox dispatcher and the real Slack client),
 * every Telegram conversation receives all its questions (through grammY and auto-retry).
 */
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAlertSink } from '../../adapters/slack/alert-sink.ts';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher.ts';
import { startHarness as startTelegram } from '../adapters/telegram/harness.ts';
import { startFakeSlackApi } from '../fakes/slack-api.ts';
import { createTestClock, createTestEngine, dm, silentLogger } from '../helpers/engine.ts';
import { loadScripts, SALES_CHANNEL } from '../scale/cluster.ts';
import { postedAlerts } from '../scale/verify.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('platform API faults', () => {
  it('Slack answering 429 and 500 for a stretch: every alert posted once after it recovers', async () => {
    const slack = await startFakeSlackApi({ channels: [SALES_CHANNEL] });
    cleanups.push(() => slack.close());
    const clock = createTestClock(new Date(Date.now() + 60_000));
    const { engine, store } = await createTestEngine({ clock });
    const strong = (await loadScripts()).find((s) => s.name === 'strong-prospect')!;
    const LEADS = 12;
    for (let i = 0; i < LEADS; i++) {
      for (const step of strong.transcript.steps) {
        const body =
          'say' in step
            ? ({ kind: 'message', text: step.say } as const)
            : 'choose' in step
              ? ({ kind: 'choice', values: step.choose } as const)
              : ({ kind: 'command', name: step.command, args: step.args } as const);
        await engine.handle(dm(body, { userId: `u${i}`, channelId: `dm-u${i}` }));
      }
    }
    const client = new WebClient('xoxb-test', {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    const sink = createSlackAlertSink({ client, channel: SALES_CHANNEL, logger: silentLogger });
    const dispatcher = createOutboxDispatcher({
      store,
      sinks: { sales_alert: sink },
      clock,
      logger: silentLogger,
      workerId: 'w1',
      random: () => 0.5,
    });
    // The stretch: rate limited, then failing, on both calls the sink makes.
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, 4);
    slack.failNext('chat.postMessage', { status: 500 }, 6);
    slack.failNext('conversations.history', { status: 503 }, 3);
    let rounds = 0;
    let retried = 0;
    while ((await store.outbox.list({ status: 'delivered' })).length < LEADS && rounds < 100) {
      const r = await dispatcher.runOnce();
      retried += r.retried;
      expect(r.failed).toBe(0);
      clock.advance(5 * 60_000); // past any backoff or Retry-After
      rounds += 1;
    }
    const alerts = postedAlerts(slack);
    const failedCalls = slack.calls.length - alerts.size - slack.callsTo('conversations.history').length;
    console.log(
      `[platform:slack] ${LEADS} alerts through a stretch of 429/500/503: ${retried} retries over ${rounds} rounds, ` +
        `${alerts.size} posted, ${[...alerts.values()].filter((n) => n > 1).length} duplicated, ${failedCalls} failed posts`,
    );
    expect(alerts.size).toBe(LEADS);
    expect([...alerts.values()].every((n) => n === 1)).toBe(true);
    expect(retried).toBeGreaterThan(0);
  }, 60_000);

  it('Telegram answering 429 and 500 for a stretch: every question still reaches every person', async () => {
    const { engine } = await createTestEngine();
    const h = await startTelegram('polling', engine.handle, silentLogger);
    cleanups.push(() => h.close());
    const early = (await loadScripts()).find((s) => s.name === 'early-prospect')!;
    const texts = early.transcript.steps.map((s) => ('say' in s ? s.say : ''));
    const chat = async (id: number) => {
      let messageId = 1;
      for (const text of texts) {
        const update = {
          update_id: h.nextUpdateId(),
          message: {
            message_id: messageId++,
            from: { id, is_bot: false, first_name: 'P' },
            chat: { id, type: 'private' as const, first_name: 'P' },
            date: 1764300000,
            text,
          },
        };
        await h.deliver(update as Parameters<typeof h.deliver>[0]);
      }
      return h.api.sent(id).length;
    };
    const clean = await chat(9000);
    // The stretch: 5 failures in a row. The adapter's auto-retry gives one call 5 retries, so a
    // call hit by all of them still gets through; a longer outage loses that reply (the answer
    // itself is committed) — see docs/scaling.md "Platform outages".
    const tooMany = { error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 1 } };
    h.api.failNext('sendMessage', tooMany, 2);
    h.api.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' }, 3);
    const PEOPLE = 5;
    const counts = await Promise.all(Array.from({ length: PEOPLE }, (_, i) => chat(9100 + i)));
    const failed = h.api.calls.filter((c) => c.method === 'sendMessage').length - h.api.sent().length;
    console.log(
      `[platform:telegram] ${PEOPLE} conversations through 2×429 + 3×500 on sendMessage: ${failed} failed calls retried, ` +
        `messages per person ${counts.join('/')} (clean run ${clean})`,
    );
    expect(counts).toEqual(Array(PEOPLE).fill(clean));
    expect(failed).toBe(5);
  }, 90_000);
});
