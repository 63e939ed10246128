/**
 * Crash between the acknowledgement and the commit: a real `leadbot start` serves Slack over
 * HTTP (against the fake Slack Web API), the Telegram webhook (against the fake Bot API) and the
 * web chat, with the INBOX_TEST_DELAY_MS hook holding processing back after the 2xx. Every person
 * starts a conversation, then answers the first question; right after Slack and Telegram got
 * their 200s (and the web chat's requests were stored) the process is killed with SIGKILL,
 * before anything was processed. After a restart every acknowledged answer — and every web
 * answer the widget resends — is in the database exactly once, and every person got the next
 * question exactly once.
 */
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webInboxKey } from '../../adapters/web/durable.ts';
import { toInboundEvent } from '../../adapters/web/inbound.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { type FakeTelegramApi, startFakeTelegramApi } from '../fakes/telegram-api.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { type BotProcess, postUntilAcknowledged, randomId, startBot, stopBot } from '../scale/cluster.ts';
import { eventually } from '../scale/verify.ts';
import { postSlack, postTelegram, slackDm, telegramText, telegramWebhookEnv } from './webhook-requests.ts';

const PEOPLE = 5; // per platform
const TEAM = 'T0CRASH';
/**
 * The kill must come while the receiving process still holds the answers (their lease) and has
 * not begun processing them (the delay): both are long enough to send and store 15 answers on a
 * loaded machine, short enough to keep the test quick.
 */
const LEASE_S = 4;
const DELAY_MS = 5000;
const FIRST_QUESTION = 'What brings you here';
const SECOND_QUESTION = 'Which company are you with?';
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
}, 60_000);

afterAll(async () => {
  if (bot) await stopBot(bot, true);
  await slack?.close();
  await telegram?.close();
  db?.cleanup();
}, 60_000);

/** Reads the database file directly (not through the bot). */
function query<T>(sql: string, ...params: unknown[]): T[] {
  const file = new Database(db.url.slice('file:'.length), { readonly: true });
  try {
    return file.prepare(sql).all(...params) as T[];
  } finally {
    file.close();
  }
}

const pending = (platform: string) =>
  query<{ n: number }>(
    `SELECT count(*) AS n FROM "InboxEvent" WHERE "platform" = ? AND "status" = 'pending'`,
    platform,
  )[0]!.n;

/** The answers stored for one person's conversations: step and acceptance, one row each. */
function answersOf(platform: string, workspaceId: string, userId: string) {
  return query<{ stepId: string; accepted: number; conversations: number }>(
    `SELECT a."stepId", a."accepted",
            (SELECT count(*) FROM "Conversation" c2 WHERE c2."leadId" = i."leadId") AS conversations
     FROM "Identity" i JOIN "Conversation" c ON c."leadId" = i."leadId"
     JOIN "Answer" a ON a."conversationId" = c."id"
     WHERE i."platform" = ? AND i."workspaceId" = ? AND i."userId" = ?`,
    platform,
    workspaceId,
    userId,
  );
}

const slackAsked = (user: string, question: string) =>
  slack
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === `D${user}` && String(c.args.text).includes(question)).length;
const telegramAsked = (chat: number, question: string) =>
  telegram.sent(chat).filter((m) => m.text.includes(question)).length;

describe('kill -9 between the 2xx and the commit', () => {
  it('processes every acknowledged event exactly once after a restart', async () => {
    const env = { ...telegramWebhookEnv(telegram.apiRoot), INBOX_LEASE_SECONDS: String(LEASE_S) };
    bot = await startBot(db.url, slack, { ...env, INBOX_TEST_DELAY_MS: String(DELAY_MS) });
    const base = bot.base;
    const slackUsers = Array.from({ length: PEOPLE }, (_, i) => `U0CRASH${i}`);
    for (const u of slackUsers) slack.join(`D${u}`); // their DMs with the bot
    const telegramUsers = Array.from({ length: PEOPLE }, (_, i) => 900_100 + i);
    const visitors = Array.from({ length: PEOPLE }, (_, i) => `crash_${i}_${randomId().slice(0, 8)}`);
    let updateId = 1;
    // The updates are posted straight to the bot, so tell the fake Bot API who wrote them.
    for (const u of telegramUsers) telegram.startedBy(u);

    // 1. Everyone starts a conversation (processed once the lease or the test delay ran out).
    const started = await Promise.all([
      ...slackUsers.map((u, i) => postSlack(base, slackDm(TEAM, u, 'start', `EvStart${i}`))),
      ...telegramUsers.map((u) => postTelegram(base, telegramText(updateId++, u, '/start'))),
      ...visitors.map((v) =>
        postUntilAcknowledged(() => base, v, { kind: 'command', name: 'start' }).then(
          (a) => a.messages.length,
        ),
      ),
    ]);
    expect(started, JSON.stringify(started)).toSatisfy((s: number[]) => s.every((x) => x === 200 || x > 0));
    await eventually(
      () =>
        slackUsers.every((u) => slackAsked(u, FIRST_QUESTION) === 1) &&
        telegramUsers.every((u) => telegramAsked(u, FIRST_QUESTION) === 1),
      60_000,
      'the first question asked on Slack and Telegram',
    );

    // 2. Everyone answers "1"; the 200s come at once, processing waits for the delay.
    const sentAt = Date.now();
    const telegramIds = telegramUsers.map(() => updateId++);
    const acknowledged = await Promise.all([
      ...slackUsers.map((u, i) => postSlack(base, slackDm(TEAM, u, '1', `EvAnswer${i}`))),
      ...telegramUsers.map((u, i) => postTelegram(base, telegramText(telegramIds[i]!, u, '1'))),
    ]);
    const webEventIds = visitors.map(() => randomId());
    const answerKeys = [
      ...slackUsers.map((_, i) => `event:EvAnswer${i}`),
      ...telegramIds.map(String),
      ...visitors.map((v, i) =>
        webInboxKey(toInboundEvent({ kind: 'message', text: '1', visitorId: v, eventId: webEventIds[i] })!),
      ),
    ];
    // The widget's requests wait for their replies: stored, unanswered when the kill comes.
    const unanswered = visitors.map((v, i) =>
      fetch(`${base}/api/chat/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'message', text: '1', visitorId: v, eventId: webEventIds[i] }),
      }).then(
        (r) => r.status,
        () => 'connection lost',
      ),
    );
    await eventually(() => pending('web') === PEOPLE, 10_000, 'the web answers stored');
    const stored = { slack: pending('slack'), telegram: pending('telegram'), web: pending('web') };
    await stopBot(bot, true);
    const killedAfterMs = Date.now() - sentAt;
    bot = null;
    const beforeRestart = query<{ n: number }>(`SELECT count(*) AS n FROM "Answer"`)[0]!.n;
    expect(acknowledged).toEqual(Array(2 * PEOPLE).fill(200));
    expect(stored).toEqual({ slack: PEOPLE, telegram: PEOPLE, web: PEOPLE });
    expect(killedAfterMs).toBeLessThan(LEASE_S * 1000);
    expect(beforeRestart).toBe(0); // the kill came between every 2xx and its commit
    expect(await Promise.all(unanswered)).toEqual(Array(PEOPLE).fill('connection lost'));

    // 3. Restart without the delay; the widget resends what got no answer.
    const restartedAt = Date.now();
    bot = await startBot(db.url, slack, env);
    const restarted = bot.base;
    const resent = await Promise.all(
      visitors.map((v, i) =>
        postUntilAcknowledged(() => restarted, v, { kind: 'message', text: '1' }, webEventIds[i], {
          deadlineMs: 60_000,
        }),
      ),
    );
    await eventually(
      () => pending('slack') + pending('telegram') + pending('web') === 0,
      60_000,
      'every stored event processed',
    );
    const recoveredMs = Date.now() - restartedAt;

    const expected = [{ stepId: 'need', accepted: 1, conversations: 1 }];
    const wrong = [
      ...slackUsers.map((u) => ['slack', TEAM, u] as const),
      ...telegramUsers.map((u) => ['telegram', '', String(u)] as const),
      ...visitors.map((v) => ['web', '', v] as const),
    ].filter(([p, w, u]) => JSON.stringify(answersOf(p, w, u)) !== JSON.stringify(expected));
    const askedTwice = [
      ...slackUsers.map((u) => slackAsked(u, SECOND_QUESTION)),
      ...telegramUsers.map((u) => telegramAsked(u, SECOND_QUESTION)),
    ].filter((n) => n !== 1).length;
    const webReplied = resent.filter((r) => JSON.stringify(r.messages).includes(SECOND_QUESTION)).length;
    // Each answer was taken over after the restart (a second attempt), by the replay or the resend.
    const replayed = query<{ eventId: string; attempts: number }>(
      `SELECT "eventId", "attempts" FROM "InboxEvent" WHERE "status" = 'processed'`,
    ).filter((r) => answerKeys.includes(r.eventId) && r.attempts >= 2);
    console.log(
      `[inbox-crash] killed ${killedAfterMs} ms after sending ${3 * PEOPLE} answers ` +
        `(stored before the kill: ${JSON.stringify(stored)}, answers in the database: ${beforeRestart}); ` +
        `after the restart all processed in ${recoveredMs} ms: ${replayed.length} answers taken over, ` +
        `${wrong.length} people with a wrong answer count, ${askedTwice} Slack/Telegram people not asked the next question exactly once, ` +
        `${webReplied}/${PEOPLE} web retries answered with the next question`,
    );
    expect(wrong).toEqual([]);
    expect(askedTwice).toBe(0);
    expect(webReplied).toBe(PEOPLE);
    expect(replayed.length).toBe(3 * PEOPLE);
  }, 180_000);
});
