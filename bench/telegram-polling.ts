/**
 * Long polling against the loopback fake Bot API (test/fakes/telegram-api.ts): leadbot's adapter
 * in polling mode (`@grammyjs/runner`, `sequentialize` per chat, polled updates through the
 * inbox) and the peer under `run` from the same package with `sequentialize` per chat and the
 * same concurrency. Each chat sends its next message once the bot answered the previous one
 * (seen as the reply's sendMessage at the fake), so the figure is updates answered per second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '@grammyjs/runner';
import { createTelegramAdapter } from '../adapters/telegram/index.ts';
import { POLL_CONCURRENCY } from '../adapters/telegram/polling.ts';
import { NO_LEAD_EVENTS } from '../src/core/webhooks/lead-events.ts';
import { type FakeTelegramApi, startFakeTelegramApi } from '../test/fakes/telegram-api.ts';
import { memoryInbox } from '../test/helpers/inbox.ts';
import { silent, systemClock } from './core.ts';
import { profiled } from './cpu-profile.ts';
import { freshDatabase, openBenchStore } from './databases.ts';
import { createPeerBot } from './peer.ts';
import { drive, type LoadResult } from './stats.ts';
import { benchAsks, benchEngine, chatUpdate } from './telegram.ts';

const WARM_UP_CHATS = 20;
/** A reply that takes longer than this fails the run (a driver waiting forever is no figure). */
const REPLY_TIMEOUT_MS = 60_000;
/** Messages each bot sends per update: greeting and first question on /start, then one per answer. */
const repliesTo = (seq: number) => (seq === 0 ? 2 : 1);

/** `people` chats at once through `api`'s getUpdates; each waits for its replies. */
function driveChats(
  api: FakeTelegramApi,
  people: number,
  questions: number,
  base: number,
): Promise<LoadResult> {
  const sent = new Map<number, number>();
  const waiting = new Map<number, { count: number; done: () => void }>();
  const off = api.onCall((call) => {
    if (call.method !== 'sendMessage') return;
    const chat = Number(call.payload.chat_id);
    const n = (sent.get(chat) ?? 0) + 1;
    sent.set(chat, n);
    const w = waiting.get(chat);
    if (w && n >= w.count) {
      waiting.delete(chat);
      w.done();
    }
  });
  const expected = new Map<number, number>();
  const perPerson = questions + 1;
  return drive(
    people,
    people * perPerson,
    async (w, seq) => {
      const chat = base + w;
      const count = (expected.get(chat) ?? 0) + repliesTo(seq);
      expected.set(chat, count);
      let timer: NodeJS.Timeout | undefined;
      const replied = new Promise<void>((resolve, reject) => {
        waiting.set(chat, { count, done: resolve });
        timer = setTimeout(
          () => reject(new Error(`chat ${chat}: no reply to update ${seq}`)),
          REPLY_TIMEOUT_MS,
        );
      });
      const { update_id: _, ...update } = chatUpdate(0, chat, seq);
      api.push(update); // the fake numbers updates itself
      await replied.finally(() => clearTimeout(timer));
    },
    { perWorker: perPerson },
  ).finally(off);
}

/** leadbot polling the fake, on the bench flow with `questions` questions. */
export async function leadbotPolling(questions: 8 | 30, people: number): Promise<LoadResult> {
  const api = await startFakeTelegramApi();
  const db = await freshDatabase('sqlite');
  const store = await openBenchStore(db.url);
  const engine = await benchEngine(questions, store);
  const adapter = createTelegramAdapter(
    { token: api.token, apiRoot: api.apiRoot, mode: 'polling' },
    {
      logger: silent,
      store,
      leadEvents: NO_LEAD_EVENTS,
      inbox: memoryInbox({ logger: silent }),
      clock: systemClock,
    },
  );
  await adapter.start(engine.handle);
  try {
    await driveChats(api, WARM_UP_CHATS, questions, 900_000);
    return await profiled(`leadbot-polling-q${questions}`, () => driveChats(api, people, questions, 1000));
  } finally {
    await adapter.stop();
    await store.close();
    await db.drop();
    await api.close();
  }
}

/** The conversations peer polling the fake with `run` (same concurrency as leadbot's). */
export async function peerPolling(questions: 8 | 30, people: number): Promise<LoadResult> {
  const api = await startFakeTelegramApi();
  const dir = mkdtempSync(join(tmpdir(), 'leadbot-peer-'));
  const peer = createPeerBot({
    token: api.token,
    botInfo: api.botInfo,
    apiRoot: api.apiRoot,
    questions: await benchAsks(questions),
    storagePath: join(dir, 'peer.db'),
    sequentialize: true,
  });
  const runner = run(peer.bot, {
    runner: { fetch: { timeout: 30 }, silent: true },
    sink: { concurrency: POLL_CONCURRENCY },
  });
  try {
    await driveChats(api, WARM_UP_CHATS, questions, 950_000);
    return await profiled(`peer-polling-q${questions}`, () => driveChats(api, people, questions, 5000));
  } finally {
    if (runner.isRunning()) await runner.stop();
    await peer.idle();
    peer.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
