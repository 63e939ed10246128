/**
 * The peer a Telegram developer would otherwise pick: grammY + `@grammyjs/conversations` asking
 * the same questions as a bench flow, with persistent conversation state. Storage: a tiny
 * grammY `VersionedStateStorage` over better-sqlite3 with WAL and synchronous=NORMAL — the same
 * engine and durability leadbot runs with on SQLite, so the comparison is about the bot code,
 * not the database (PostgreSQL would add a network round trip to the peer only).
 */
import { createServer, type Server } from 'node:http';
import {
  type Conversation,
  type ConversationFlavor,
  conversations,
  createConversation,
} from '@grammyjs/conversations';
import { sequentialize } from '@grammyjs/runner';
import Database from 'better-sqlite3';
import { type ApiClientOptions, Bot, type Context, webhookCallback } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';

type Ctx = ConversationFlavor<Context>;

/** A grammY key-value storage adapter on one SQLite table. */
export function sqliteStorage<T>(path: string) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const get = db.prepare<[string], { value: string }>('SELECT value FROM kv WHERE key = ?');
  const put = db.prepare(
    'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const del = db.prepare('DELETE FROM kv WHERE key = ?');
  return {
    read: (key: string): T | undefined => {
      const row = get.get(key);
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    write: (key: string, value: T) => {
      put.run(key, JSON.stringify(value));
    },
    delete: (key: string) => {
      del.run(key);
    },
    close: () => db.close(),
  };
}

export interface Peer {
  webhookUrl: string;
  close(): Promise<void>;
}

export interface PeerOptions {
  token: string;
  botInfo: UserFromGetMe;
  questions: string[];
  storagePath: string;
  /** The Bot API's root (loopback fake), or… */
  apiRoot?: string;
  /** …a fetch that answers the Bot API in this process (grammY's `client.fetch`). */
  fetch?: ApiClientOptions['fetch'];
  /** One update of a chat at a time (what the runner needs; a closed-loop driver does not). */
  sequentialize?: boolean;
}

/** The peer bot, without a transport: feed it with `bot.handleUpdate`, a webhook or the runner. */
export function createPeerBot(opts: PeerOptions): {
  bot: Bot<Ctx>;
  /** Resolves once no update is being handled (a runner hands them over without waiting). */
  idle(): Promise<void>;
  close(): void;
} {
  const bot = new Bot<Ctx>(opts.token, {
    botInfo: opts.botInfo,
    client: {
      ...(opts.apiRoot ? { apiRoot: opts.apiRoot } : {}),
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
    },
  });
  const inflight = new Set<Promise<void>>();
  bot.use(async (_ctx, next) => {
    const task = next();
    inflight.add(task);
    try {
      await task;
    } finally {
      inflight.delete(task);
    }
  });
  if (opts.sequentialize) bot.use(sequentialize((ctx: Context) => String(ctx.chat?.id ?? '')));
  const storage = sqliteStorage<never>(opts.storagePath);
  bot.use(conversations({ storage: { type: 'key', adapter: storage } }));
  async function qualify(conversation: Conversation<Ctx, Context>, ctx: Context) {
    const answers: Record<string, string> = {};
    await ctx.reply('Hi! A few questions.');
    for (const [i, q] of opts.questions.entries()) {
      await ctx.reply(q);
      const answer = await conversation.waitFor('message:text');
      answers[`q${i + 1}`] = answer.message.text;
    }
    await ctx.reply('Thanks, that is all.');
  }
  bot.use(createConversation(qualify, 'qualify'));
  bot.command('start', (ctx) => ctx.conversation.enter('qualify'));
  return {
    bot,
    async idle() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    close: () => storage.close(),
  };
}

/** Starts the peer bot behind a webhook on 127.0.0.1; it asks `questions` in order. */
export async function startPeer(opts: PeerOptions & { secret: string }): Promise<Peer> {
  const { bot, close } = createPeerBot(opts);
  const callback = webhookCallback(bot, 'http', { secretToken: opts.secret });
  const server: Server = createServer((req, res) => {
    callback(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    webhookUrl: `http://127.0.0.1:${port}/`,
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      close();
    },
  };
}
