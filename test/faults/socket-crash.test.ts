/**
 * kill -9 of a real `leadbot start` serving Slack over Socket Mode (against the fake Socket Mode
 * endpoint and the fake Web API; set up as on a laptop: no signing secret, no Slack route on the
 * HTTP server), at both moments that matter:
 * - after the ack, before processing (INBOX_TEST_DELAY_MS holds processing back): Slack will not
 *   resend, so the stored row must be processed by the next process's inbox;
 * - before the ack (the process is frozen with SIGSTOP while the envelopes reach its socket):
 *   Slack resends them, with `retry_attempt` + 1, on the next process's connection.
 * Either way every person gets the first question exactly once and has exactly one lead.
 */
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { type FakeSlackSocket, startFakeSlackSocket } from '../fakes/slack-socket/server.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { type BotProcess, startBot, stopBot } from '../scale/cluster.ts';
import { eventually } from '../scale/verify.ts';

const PEOPLE = 4; // per moment
const TEAM = 'T0SOCKCRASH';
/** Long enough to send and store the acked events on a loaded machine before the kill. */
const LEASE_S = 4;
const DELAY_MS = 8000;
const FIRST_QUESTION = 'What brings you here';
const logger = pino({ level: 'silent' });

let db: { url: string; cleanup(): void };
let api: FakeSlackApi;
let socket: FakeSlackSocket;
let bot: BotProcess | null = null;

beforeAll(async () => {
  db = tempSqliteUrl();
  await migrateDatabase(db.url, { logger });
  api = await startFakeSlackApi();
  socket = await startFakeSlackSocket({ webApiUrl: api.apiUrl });
}, 60_000);

afterAll(async () => {
  if (bot) await stopBot(bot, true);
  await socket?.close();
  await api?.close();
  db?.cleanup();
}, 60_000);

function count(sql: string, ...params: unknown[]): number {
  const file = new Database(db.url.slice('file:'.length), { readonly: true });
  try {
    return (file.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    file.close();
  }
}

const leadsOf = (user: string) =>
  count(
    `SELECT count(*) AS n FROM "Identity" WHERE "platform" = 'slack' AND "workspaceId" = ? AND "userId" = ?`,
    TEAM,
    user,
  );
const asked = (user: string) =>
  api
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === `D${user}` && String(c.args.text).includes(FIRST_QUESTION)).length;

function start(user: string, eventId: string) {
  api.join(`D${user}`); // the bot's DM with the person (the strict fake answers only there)
  const ts = `1700005000.${eventId.slice(-4).padStart(6, '0')}`;
  return socket.send('events_api', {
    type: 'event_callback',
    team_id: TEAM,
    api_app_id: 'A0LEADBOT',
    event_id: eventId,
    event: { type: 'message', channel: `D${user}`, channel_type: 'im', user, text: 'start', ts, team: TEAM },
  });
}

const socketEnv = () => ({
  // The laptop set-up: no signing secret (startBot sets one for HTTP) and no public URL.
  SLACK_SIGNING_SECRET: '',
  SLACK_APP_TOKEN: socket.appToken,
  SLACK_API_URL: socket.apiUrl,
  INBOX_LEASE_SECONDS: String(LEASE_S),
});

describe('kill -9 of a Socket Mode process', () => {
  it('loses nothing, whether the kill comes before or after the ack', async () => {
    bot = await startBot(db.url, api, { ...socketEnv(), INBOX_TEST_DELAY_MS: String(DELAY_MS) });
    const transport = bot.cli.logs.find((l) => String(l.msg).startsWith('slack adapter started'));
    expect(transport?.msg).toBe('slack adapter started over Socket Mode (no public URL needed)');
    expect(socket.connections()).toBe(1);
    expect((await fetch(`${bot.base}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);

    // 1. Acknowledged (so stored), then the kill before processing.
    const acked = Array.from({ length: PEOPLE }, (_, i) => `U0ACKED${i}`);
    await Promise.all(acked.map((u, i) => start(u, `EvAcked${1000 + i}`)));
    // 2. Frozen: these reach the process's socket but get no ack.
    bot.cli.child.kill('SIGSTOP');
    const frozen = Array.from({ length: PEOPLE }, (_, i) => `U0FROZEN${i}`);
    const unacked = frozen.map((u, i) => start(u, `EvFrozen${2000 + i}`));
    await eventually(
      () =>
        socket.deliveries.filter((x) => x.envelope.payload.event_id.startsWith('EvFrozen')).length === PEOPLE,
      10_000,
      'the frozen process was sent every envelope',
    );
    const acksBefore = socket.acks.length;
    await stopBot(bot, true);
    bot = null;
    const before = {
      acks: acksBefore,
      leads: [...acked, ...frozen].reduce((n, u) => n + leadsOf(u), 0),
      pending: count(`SELECT count(*) AS n FROM "InboxEvent" WHERE "status" = 'pending'`),
    };
    expect(before).toEqual({ acks: PEOPLE, leads: 0, pending: PEOPLE });

    // 3. The next process: Slack redelivers what was not acked; the inbox replays what was.
    const restartedAt = Date.now();
    bot = await startBot(db.url, api, socketEnv());
    await Promise.all(unacked);
    await eventually(
      () => [...acked, ...frozen].every((u) => asked(u) >= 1),
      60_000,
      'every person asked the first question',
    );
    const recoveredMs = Date.now() - restartedAt;
    const frozenDeliveries = socket.deliveries.filter((x) =>
      x.envelope.payload.event_id.startsWith('EvFrozen'),
    );
    const ackedDeliveries = socket.deliveries.filter((x) =>
      x.envelope.payload.event_id.startsWith('EvAcked'),
    );
    console.log(
      `[socket-crash] killed with ${PEOPLE} events acked-unprocessed and ${PEOPLE} unacked; ` +
        `all answered ${recoveredMs} ms after the restart; ${frozenDeliveries.length} deliveries of the unacked ` +
        `(retry_attempt ${[...new Set(frozenDeliveries.map((x) => x.envelope.retry_attempt))].join(',')})`,
    );
    expect(ackedDeliveries).toHaveLength(PEOPLE); // acked once: never resent
    for (const u of frozen) {
      const retries = frozenDeliveries.filter((x) => x.envelope.payload.event.user === u);
      expect(retries.at(-1)?.envelope).toMatchObject({ retry_attempt: 1, retry_reason: 'timeout' });
      expect(retries.at(-1)?.connection).toBe(2); // the second process's connection
    }
    expect([...acked, ...frozen].map((u) => [u, asked(u), leadsOf(u)])).toEqual(
      [...acked, ...frozen].map((u) => [u, 1, 1]),
    );
    await eventually(
      () => count(`SELECT count(*) AS n FROM "InboxEvent" WHERE "status" = 'pending'`) === 0,
      30_000,
      'the inbox drained',
    );
  }, 180_000);

  it('SIGTERM closes the connection and exits 0; Slack holds what comes next for the next process', async () => {
    if (!bot) bot = await startBot(db.url, api, socketEnv());
    await eventually(() => socket.connections() === 1, 30_000, 'connected');
    bot.cli.child.kill('SIGTERM');
    expect(await bot.cli.exited).toEqual({ code: 0, signal: null });
    bot = null;
    await eventually(() => socket.connections() === 0, 10_000, 'the connection closed');
    const held = start('U0LATE', 'EvLate3000');
    bot = await startBot(db.url, api, socketEnv());
    await held;
    await eventually(() => asked('U0LATE') === 1, 30_000, 'the held event answered');
  }, 120_000);
});
