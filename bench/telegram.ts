/**
 * End to end through Telegram: updates POSTed to a webhook as Telegram posts them, replies sent
 * to the loopback fake Bot API. leadbot (real grammY adapter, real engine, SQLite store) and the
 * peer (grammY + conversations plugin, SQLite storage) run the same questions side by side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Update } from 'grammy/types';
import { createTelegramAdapter } from '../adapters/telegram/index.ts';
import { loadFlowCatalog } from '../src/app/flow-files.ts';
import { createHttpServer } from '../src/app/http-server.ts';
import { createEngine } from '../src/core/engine.ts';
import type { LeadStore } from '../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../src/core/webhooks/lead-events.ts';
import { type FakeTelegramApi, startFakeTelegramApi } from '../test/fakes/telegram-api.ts';
import { memoryInbox } from '../test/helpers/inbox.ts';
import { ROOT, silent, systemClock } from './core.ts';
import { freshDatabase, openBenchStore } from './databases.ts';
import { startPeer } from './peer.ts';
import { drive, type LoadResult } from './stats.ts';

const SECRET = 'bench_secret';
/** Chats run through each bot before measuring, so both are measured warm. */
const WARM_UP_CHATS = 10;

/** The update Telegram sends for a person's message: `/start` at `seq` 0, then an answer. */
export function chatUpdate(updateId: number, chatId: number, seq: number): Update {
  const text = seq === 0 ? '/start' : `answer ${seq}`;
  return {
    update_id: updateId,
    message: {
      message_id: seq + 1,
      from: { id: chatId, is_bot: false, first_name: 'P' },
      chat: { id: chatId, type: 'private', first_name: 'P' },
      date: Math.floor(Date.now() / 1000),
      text,
      ...(seq === 0 ? { entities: [{ type: 'bot_command', offset: 0, length: 6 }] } : {}),
    },
  } as Update;
}

/** The engine on `store` with the bench flow of `questions` questions as its default. */
export async function benchEngine(questions: 8 | 30, store: LeadStore) {
  const flows = await loadFlowCatalog(join(ROOT, 'bench/flows'), `bench-${questions}`);
  return createEngine({
    leadEvents: NO_LEAD_EVENTS,
    store,
    flows,
    clock: systemClock,
    logger: silent,
    options: { defaultFlowId: `bench-${questions}` },
  });
}

/** The questions of the bench flow, for the peer. */
export async function benchAsks(questions: 8 | 30): Promise<string[]> {
  const flows = await loadFlowCatalog(join(ROOT, 'bench/flows'), `bench-${questions}`);
  return Object.values(flows.get(`bench-${questions}`)!.definition.steps).map((s) => s.ask);
}

/**
 * Drives `people` private chats, each /start then one answer per question, through `webhookUrl`.
 * The fake Bot API learns of each chat first: it refuses sends to a person who never wrote to
 * the bot (403), and these updates reach the bot without passing through it.
 */
async function driveChats(
  api: FakeTelegramApi,
  webhookUrl: string,
  people: number,
  questions: number,
  base: number,
): Promise<LoadResult> {
  for (let w = 0; w < people; w++) api.startedBy(base + w);
  const perPerson = questions + 1;
  let updateId = base * 1_000_000;
  return drive(
    people,
    people * perPerson,
    async (w, seq) => {
      const res = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(chatUpdate(++updateId, base + w, seq)),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    },
    { perWorker: perPerson },
  );
}

/** leadbot through its Telegram adapter on the bench flow with `questions` questions. */
export async function leadbotTelegram(
  questions: 8 | 30,
  people: number,
): Promise<LoadResult & { sent: number }> {
  const api = await startFakeTelegramApi();
  const db = await freshDatabase('sqlite');
  const store = await openBenchStore(db.url);
  const http = createHttpServer({ logger: silent });
  const { port } = await http.listen(0, '127.0.0.1');
  const engine = await benchEngine(questions, store);
  const adapter = createTelegramAdapter(
    {
      token: api.token,
      apiRoot: api.apiRoot,
      mode: 'webhook',
      webhookUrl: `http://127.0.0.1:${port}/telegram/webhook`,
      webhookSecret: SECRET,
    },
    {
      logger: silent,
      http,
      store,
      leadEvents: NO_LEAD_EVENTS,
      // A process-local inbox, as these figures were first measured with (not the database's).
      inbox: memoryInbox({ logger: silent }),
      clock: systemClock,
    },
  );
  await adapter.start(engine.handle);
  try {
    const url = `http://127.0.0.1:${port}/telegram/webhook`;
    await driveChats(api, url, WARM_UP_CHATS, questions, 900_000); // JIT and caches warm, not measured
    const before = api.sent().length;
    const t0 = performance.now();
    const r = await driveChats(api, url, people, questions, 1000);
    // The route answers 200 once the update is stored, before handling it (the peer answers
    // after): the run ends when every update is handled, so both rates count handled updates.
    await adapter.idle();
    const seconds = (performance.now() - t0) / 1000;
    return { ...r, seconds, perSecond: r.messages / seconds, sent: api.sent().length - before };
  } finally {
    await adapter.stop();
    await http.close();
    await store.close();
    await db.drop();
    await api.close();
  }
}

/** The grammY conversations-plugin peer on the same questions. */
export async function peerTelegram(
  questions: 8 | 30,
  people: number,
): Promise<LoadResult & { sent: number }> {
  const api = await startFakeTelegramApi();
  const asks = await benchAsks(questions);
  const dir = mkdtempSync(join(tmpdir(), 'leadbot-peer-'));
  const peer = await startPeer({
    token: api.token,
    apiRoot: api.apiRoot,
    botInfo: api.botInfo,
    questions: asks,
    storagePath: join(dir, 'peer.db'),
    secret: SECRET,
  });
  try {
    await driveChats(api, peer.webhookUrl, WARM_UP_CHATS, questions, 950_000);
    const before = api.sent().length;
    const r = await driveChats(api, peer.webhookUrl, people, questions, 5000);
    return { ...r, sent: api.sent().length - before };
  } finally {
    await peer.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
