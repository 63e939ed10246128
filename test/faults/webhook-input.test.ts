/**
 * Hostile bodies against a real `leadbot start` (Slack over HTTP and the Telegram webhook on):
 * correctly signed Slack bodies that are `null`, `[]`, `"x"` or 5 MB, and Telegram webhook
 * bodies that are `null` or 50 MB with the right secret. Each gets a 4xx, the process stays up
 * (`/healthz` answers 200 afterwards) and still processes a genuine event.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { type FakeTelegramApi, startFakeTelegramApi } from '../fakes/telegram-api.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { type BotProcess, startBot, stopBot } from '../scale/cluster.ts';
import { eventually } from '../scale/verify.ts';
import { postSlack, postTelegram, slackDm, telegramText, telegramWebhookEnv } from './webhook-requests.ts';

const logger = pino({ level: 'silent' });
let db: { url: string; cleanup(): void };
let slack: FakeSlackApi;
let telegram: FakeTelegramApi;
let bot: BotProcess | null = null;

beforeAll(async () => {
  db = tempSqliteUrl();
  await migrateDatabase(db.url, { logger });
  slack = await startFakeSlackApi();
  telegram = await startFakeTelegramApi();
  bot = await startBot(db.url, slack, telegramWebhookEnv(telegram.apiRoot));
}, 60_000);

afterAll(async () => {
  if (bot) await stopBot(bot, true);
  await slack?.close();
  await telegram?.close();
  db?.cleanup();
}, 60_000);

describe('hostile webhook bodies against leadbot start', () => {
  it('answers 4xx and stays up', async () => {
    const base = bot!.base;
    const statuses: Record<string, number> = {};
    for (const body of ['null', '[]', '"x"']) statuses[`slack ${body}`] = await postSlack(base, body);
    const fiveMb = JSON.stringify({
      type: 'event_callback',
      event_id: 'EvHUGE',
      pad: 'x'.repeat(5 * 1024 * 1024),
    });
    statuses['slack 5 MB'] = await postSlack(base, fiveMb);
    statuses['telegram null'] = await postTelegram(base, 'null');
    const fiftyMb = JSON.stringify({ update_id: 1, pad: 'x'.repeat(50 * 1024 * 1024) });
    statuses['telegram 50 MB'] = await postTelegram(base, fiftyMb);
    const health = await fetch(`${base}/healthz`);
    statuses.healthz = health.status;
    await health.arrayBuffer();
    console.log(
      `[webhook-input] ${JSON.stringify(statuses)}; process alive: ${bot!.cli.child.exitCode === null}`,
    );
    expect(statuses).toEqual({
      'slack null': 400,
      'slack []': 400,
      'slack "x"': 400,
      'slack 5 MB': 413,
      'telegram null': 400,
      'telegram 50 MB': 413,
      healthz: 200,
    });
    expect(bot!.cli.child.exitCode).toBeNull();
    expect(bot!.cli.child.signalCode).toBeNull();

    // Genuine events are still processed on both routes.
    slack.join('DU0GENUINE'); // the person's DM with the bot
    expect(await postSlack(base, slackDm('T0INPUT', 'U0GENUINE', 'start', 'EvGenuine1'))).toBe(200);
    telegram.startedBy(424242); // posted straight to the bot: tell the fake Bot API who wrote
    expect(await postTelegram(base, telegramText(2, 424242, '/start'))).toBe(200);
    await eventually(
      () =>
        slack.callsTo('chat.postMessage').some((c) => c.args.channel === 'DU0GENUINE') &&
        telegram.sent(424242).length > 0,
      30_000,
      'replies to the genuine events',
    );
  }, 60_000);
});
