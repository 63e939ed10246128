/**
 * The bot's own cost, with no HTTP anywhere: leadbot's Telegram adapter (mode `direct`, real
 * engine, SQLite store) and the grammY + conversations peer (bench/peer.ts, better-sqlite3
 * storage) are fed the same updates through `handleUpdate`, and their Bot API calls are
 * answered by a `fetch` in this process (grammY's `client.fetch` option). What the webhook
 * comparison adds on top for both — HTTP server, JSON parsing, the fake Bot API, the load
 * generator's requests — is out, so the CPU per update is the bot's work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiClientOptions } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { createTelegramAdapter } from '../adapters/telegram/index.ts';
import { NO_LEAD_EVENTS } from '../src/core/webhooks/lead-events.ts';
import { FAKE_TOKEN } from '../test/fakes/telegram-api.ts';
import { memoryInbox } from '../test/helpers/inbox.ts';
import { silent, systemClock } from './core.ts';
import { profiled } from './cpu-profile.ts';
import { freshDatabase, openBenchStore } from './databases.ts';
import { createPeerBot } from './peer.ts';
import { statementCounter } from './statements.ts';
import { drive, type LoadResult } from './stats.ts';
import { benchAsks, benchEngine, chatUpdate } from './telegram.ts';

const BOT_INFO = {
  id: Number(FAKE_TOKEN.split(':')[0]),
  is_bot: true,
  first_name: 'Leadbot',
  username: 'leadbot_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
} as UserFromGetMe;

/** Chats run through each bot before measuring, so both are measured warm (JIT, caches). */
const WARM_UP_CHATS = 30;

export interface InProcessResult extends LoadResult {
  /** sendMessage calls during the measured run. */
  sent: number;
}

/**
 * A Bot API answered in this process. It reads only the method from the URL, never the body, so
 * it adds as little as possible to either bot's CPU: getMe gets the bot, sendMessage a message
 * with the next id, anything else `true`.
 */
export function stubBotApi(botInfo: UserFromGetMe = BOT_INFO) {
  let sent = 0;
  let messageId = 1000;
  const answer = (method: string): unknown => {
    if (method === 'getMe') return botInfo;
    if (method !== 'sendMessage') return true;
    sent += 1;
    return { message_id: messageId++, date: 0, chat: { id: 1, type: 'private', first_name: 'P' }, text: '' };
  };
  const fetch = async (url: unknown) => {
    const u = String(url);
    const body = { ok: true, result: answer(u.slice(u.lastIndexOf('/') + 1)) };
    return { ok: true, status: 200, json: async () => body };
  };
  return { fetch: fetch as unknown as NonNullable<ApiClientOptions['fetch']>, sent: () => sent };
}

/** `people` chats at once, each /start then one answer per question, through `handle`. */
function driveChats(
  handle: (u: Update) => Promise<void>,
  people: number,
  questions: number,
  base: number,
): Promise<LoadResult> {
  const perPerson = questions + 1;
  let updateId = base * 1_000_000;
  return drive(people, people * perPerson, (w, seq) => handle(chatUpdate(++updateId, base + w, seq)), {
    perWorker: perPerson,
  });
}

/** Warm-up, then the measured run; checks every update was answered. */
async function measure(
  name: string,
  handle: (u: Update) => Promise<void>,
  sent: () => number,
  questions: number,
  people: number,
  started: () => void = () => undefined,
): Promise<InProcessResult> {
  await driveChats(handle, WARM_UP_CHATS, questions, 900_000);
  started();
  const before = sent();
  const r = await profiled(`${name}-q${questions}`, () => driveChats(handle, people, questions, 1000));
  const replies = sent() - before;
  // Each update gets at least one message back (the next question, or the last words).
  if (replies < people * (questions + 1)) throw new Error(`only ${replies} replies to ${r.messages} updates`);
  return { ...r, sent: replies };
}

/**
 * leadbot's Telegram adapter in process on the bench flow with `questions` questions.
 * `community: false` leaves out what the adapter runs beside the prospect's flow (manager
 * commands, invitations and intent offers, the person's own commands): the profile's breakdown.
 */
export async function leadbotInProcess(
  questions: 8 | 30,
  people: number,
  opts: { community?: boolean } = {},
): Promise<InProcessResult & { statementsPerUpdate: number }> {
  const api = stubBotApi();
  const db = await freshDatabase('sqlite');
  const store = await openBenchStore(db.url);
  const engine = await benchEngine(questions, store);
  const adapter = createTelegramAdapter(
    { token: FAKE_TOKEN, mode: 'direct', fetch: api.fetch },
    {
      logger: silent,
      ...(opts.community === false ? {} : { store }),
      leadEvents: NO_LEAD_EVENTS,
      inbox: memoryInbox({ logger: silent }),
      clock: systemClock,
    },
  );
  await adapter.start(engine.handle);
  try {
    const statements = statementCounter();
    const name = opts.community === false ? 'leadbot-bare' : 'leadbot';
    const r = await measure(name, adapter.handleUpdate, api.sent, questions, people, statements.mark);
    return { ...r, statementsPerUpdate: statements.since() / r.messages };
  } finally {
    await adapter.stop();
    await store.close();
    await db.drop();
  }
}

/** The grammY conversations peer in process on the same questions. */
export async function peerInProcess(questions: 8 | 30, people: number): Promise<InProcessResult> {
  const api = stubBotApi();
  const dir = mkdtempSync(join(tmpdir(), 'leadbot-peer-'));
  const peer = createPeerBot({
    token: FAKE_TOKEN,
    botInfo: BOT_INFO,
    questions: await benchAsks(questions),
    storagePath: join(dir, 'peer.db'),
    fetch: api.fetch,
  });
  try {
    return await measure('peer', (u) => peer.bot.handleUpdate(u), api.sent, questions, people);
  } finally {
    peer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
