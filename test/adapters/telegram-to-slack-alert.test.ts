/**
 * End to end across platforms: a Telegram prospect (real grammY against the fake Bot API)
 * qualifies to SQL through the real engine; the outbox dispatcher posts the alert to Slack
 * through the real Web API client against the fake Slack. The alert says who the person is
 * and how to reach them on Telegram; the lead keeps their name and handle.
 */
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAlertSink } from '../../adapters/slack/alert-sink.ts';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { createTestClock, createTestEngine, silentLogger } from '../helpers/engine.ts';
import { type Harness, person, qualify, startHarness } from './telegram/harness.ts';

let telegram: Harness | undefined;
let slack: FakeSlackApi | undefined;
afterEach(async () => {
  await telegram?.close();
  await slack?.close();
  telegram = slack = undefined;
});

describe('a Telegram prospect in the Slack alert', () => {
  it('names the person and links their Telegram profile', async () => {
    const clock = createTestClock(new Date(Date.now() + 60_000));
    const { engine, store } = await createTestEngine({ clock });
    telegram = await startHarness('polling', engine.handle, silentLogger);
    slack = await startFakeSlackApi({ channels: ['C0SALES'] });
    const ana = person(telegram, { id: 7042, first_name: 'Ana', last_name: 'Souza', username: 'anasouza' });
    await qualify(ana);

    const account = await store.findIdentity({ platform: 'telegram', workspaceId: '', userId: '7042' });
    expect(account).toMatchObject({
      displayName: 'Ana Souza',
      username: 'anasouza',
      profileUrl: 'https://t.me/anasouza',
    });
    expect(await store.getLead(account!.leadId)).toMatchObject({ stage: 'SQL', name: 'Ana Souza' });

    const client = new webApi.WebClient('xoxb-test', {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
    });
    const sink = createSlackAlertSink({ client, channel: 'C0SALES', logger: silentLogger });
    const dispatcher = createOutboxDispatcher({
      store,
      sinks: { sales_alert: sink },
      clock,
      logger: silentLogger,
      workerId: 'w1',
    });
    expect(await dispatcher.runOnce()).toMatchObject({ delivered: 1 });
    const [alert] = slack.channels.get('C0SALES') ?? [];
    const text = JSON.stringify(alert?.blocks);
    expect(alert?.text).toContain('Ana Souza');
    expect(text).toContain('*Person*\\n<https://t.me/anasouza|Ana Souza (@anasouza)> on telegram');
    expect(text).not.toContain('Unnamed lead');
  });
});
