/**
 * A fake Telegram Bot API on 127.0.0.1 for driving the real grammY client.
 *
 * Speaks `POST /bot<token>/<method>` with JSON bodies and `{ok, result}` answers, holds
 * `getUpdates` as a long poll (grammY spins otherwise), keeps the messages the bot sent (with
 * edits applied) so tests can read questions and press their buttons, can inject failures
 * (429 with retry_after, 5xx) and delivers updates to a registered webhook like Telegram does.
 *
 * Strict like the real API: every request goes through the documented limits of
 * `telegram/limits.ts` (text 4,096, caption 1,024, callback_data 1–64 bytes, button text,
 * HTML entities, answerCallbackQuery 200, commands), and the chat state answers what Telegram
 * answers — a private chat the person never started (or blocked) is a 403, an edit that changes
 * nothing is `message is not modified`, getUpdates while a webhook is set or while another poll
 * is held is a 409.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InlineKeyboardMarkup, Message, Update, UserFromGetMe } from 'grammy/types';
import {
  type ApiFailure,
  BLOCKED,
  CHAT_NOT_FOUND,
  checkRequest,
  EDIT_NOT_FOUND,
  NOT_MODIFIED,
  NOT_STARTED,
  OTHER_POLLER,
  REPLY_NOT_FOUND,
  WEBHOOK_ACTIVE,
} from './telegram/limits.ts';

export type { ApiFailure } from './telegram/limits.ts';
export { TELEGRAM_LIMITS, tooManyRequests } from './telegram/limits.ts';

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

/** A chat member's status, as getChatMember answers it. */
export type MemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

/** A message the bot sent, as it currently looks (after edits). */
export interface SentMessage {
  message_id: number;
  chat_id: number;
  text: string;
  reply_markup?: InlineKeyboardMarkup;
  payload: Record<string, unknown>;
}

export interface FakeTelegramApi {
  /** apiRoot for grammY (`client.apiRoot`), no trailing slash. */
  apiRoot: string;
  token: string;
  botInfo: UserFromGetMe;
  /** Every call received, in order (including failed ones). */
  calls: ApiCall[];
  /** Messages sent by the bot, oldest first. */
  sent(chatId?: number): SentMessage[];
  /** Registered webhook, as set by setWebhook (null after deleteWebhook). */
  webhook: { url: string; secret?: string } | null;
  /** What getWebhookInfo reports as the last delivery error (Telegram's own, for doctor tests). */
  webhookError: { date: number; message: string } | null;
  /** The bot's command list as setMyCommands left it. */
  commands: { command: string; description: string }[];
  /** The person started the bot earlier (before this test): the bot may write to them. */
  startedBy(userId: number): void;
  /** The person blocked the bot: every send to them is a 403. */
  block(userId: number): void;
  /** Sets `userId`'s status in group `chatId` (getChatMember); the chat becomes known. */
  setMember(chatId: number, userId: number, status: MemberStatus): void;
  /** Queues an update for getUpdates; assigns the next update_id unless one is given. */
  push(update: Omit<Update, 'update_id'> & { update_id?: number }): Update;
  /**
   * Serves an already confirmed update again on the next getUpdates, whatever the offset: what
   * a bot sees when Telegram never got its confirmation (crash, lost response) and resends.
   * Resolves once the bot asked for more updates after receiving it (it processed it).
   */
  redeliver(update: Update): Promise<void>;
  /** The next `times` calls of `method` fail with `failure`. */
  failNext(method: string, failure: ApiFailure, times?: number): void;
  /** Resolves once the bot asked getUpdates for an offset past `updateId` (it processed it). */
  processed(updateId: number): Promise<void>;
  /**
   * Resolves once the bot sent a message after this was asked, then made no other call for
   * `quietMs`: how a test outside the bot's process knows it answered an update (the runner
   * confirms updates before it handles them, so the offset alone does not say). The messages of
   * one answer go out back to back; database work comes before the first of them.
   */
  answered(quietMs?: number): Promise<void>;
  /** Calls `listener` with every call from now on (benches follow replies per chat); returns the unsubscribe. */
  onCall(listener: (call: ApiCall) => void): () => void;
  /** Resolves once a call satisfies `predicate` (already received calls count). */
  waitForCall(predicate: (call: ApiCall) => boolean): Promise<ApiCall>;
  /** POSTs the update to the webhook like Telegram does; returns the HTTP status. */
  deliver(update: Update, secret?: string | null): Promise<number>;
  close(): Promise<void>;
}

export const FAKE_TOKEN = '123456:TEST-token_for-leadbot';

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeTelegramApi(opts: { token?: string } = {}): Promise<FakeTelegramApi> {
  const token = opts.token ?? FAKE_TOKEN;
  const botInfo: UserFromGetMe = {
    id: Number(token.split(':')[0]),
    is_bot: true,
    first_name: 'Leadbot',
    username: 'leadbot_test_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
  } as UserFromGetMe;
  const calls: ApiCall[] = [];
  const messages: SentMessage[] = [];
  const queue: Update[] = [];
  const forced: Update[] = [];
  /** Redeliveries handed out, waiting for the bot's next getUpdates. */
  const servedForced: (() => void)[] = [];
  const pendingForced: (() => void)[] = [];
  const failures = new Map<string, ApiFailure[]>();
  const events = new EventEmitter();
  events.setMaxListeners(100);
  const waiting = new Set<() => void>();
  let nextUpdateId = 1;
  let nextMessageId = 1000;
  let highestOffset = 0;
  let webhook: FakeTelegramApi['webhook'] = null;
  let webhookError: FakeTelegramApi['webhookError'] = null;
  let commands: FakeTelegramApi['commands'] = [];
  const started = new Set<number>();
  const blocked = new Set<number>();
  const chats = new Map<number, Map<number, MemberStatus>>();
  /** The getUpdates call being held, answered 409 when another one arrives. */
  let heldPoll: ((failure: ApiFailure) => void) | null = null;
  /** `chatId:messageId` of every message in the fake's chats (the bot's and the ones delivered as updates). */
  const known = new Set<string>();
  /** The groups the bot is in, as an update from them showed them (what getChat can read). */
  const groups = new Map<number, { id: number; type: string; title?: string }>();
  const seeUpdate = (u: Update) => {
    if (u.message) known.add(`${u.message.chat.id}:${u.message.message_id}`);
    const chat = (u.message ?? u.callback_query?.message)?.chat;
    if (chat && chat.type !== 'private')
      groups.set(chat.id, { id: chat.id, type: chat.type, title: chat.title });
    // A person who writes to the bot in private, or presses its buttons there, has started it.
    const m = u.message ?? u.callback_query?.message;
    if (m?.chat.type === 'private') started.add(m.chat.id);
    if (u.my_chat_member?.chat.type === 'private') {
      const status = u.my_chat_member.new_chat_member.status;
      if (status === 'kicked') blocked.add(u.my_chat_member.chat.id);
      else if (status === 'member') {
        blocked.delete(u.my_chat_member.chat.id);
        started.add(u.my_chat_member.chat.id);
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500).end(String(err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const body = await readBody(req);
    if (!match) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== token)
      return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    // Files (sendDocument) arrive as multipart form data: kept raw for the test to read.
    const multipart = (req.headers['content-type'] ?? '').startsWith('multipart/');
    const payload = multipart
      ? { _multipart: body }
      : body
        ? (JSON.parse(body) as Record<string, unknown>)
        : {};
    const call = { method, payload };
    calls.push(call);
    events.emit('call', call);
    const failure = failures.get(method)?.shift() ?? (multipart ? null : refusal(method, payload));
    if (failure) return reply(res, failure.error_code, { ok: false, ...failure });
    if (method === 'getUpdates') return getUpdates(payload, req, res);
    return reply(res, 200, { ok: true, result: answer(method, payload) });
  }

  /** What Telegram refuses: the documented limits, then what the chat's state forbids. */
  function refusal(method: string, p: Record<string, unknown>): ApiFailure | null {
    const invalid = checkRequest(method, p);
    if (invalid) return invalid;
    const chatId = Number(p.chat_id);
    const sends = method.startsWith('send') || method === 'copyMessage' || method === 'forwardMessage';
    if (sends && chatId > 0) {
      if (blocked.has(chatId)) return BLOCKED;
      if (!started.has(chatId)) return NOT_STARTED;
    }
    if (method.startsWith('send') && replyRefused(chatId, p.reply_parameters)) return REPLY_NOT_FOUND;
    if (method === 'editMessageText' || method === 'editMessageReplyMarkup') {
      const sent = messages.find((m) => m.message_id === Number(p.message_id) && m.chat_id === chatId);
      if (!sent) return EDIT_NOT_FOUND;
      const sameText = method === 'editMessageReplyMarkup' || sent.text === String(p.text);
      const sameMarkup = JSON.stringify(sent.reply_markup ?? null) === JSON.stringify(p.reply_markup ?? null);
      if (sameText && sameMarkup) return NOT_MODIFIED;
    }
    if (method === 'getChatMember' && !chats.has(chatId)) return CHAT_NOT_FOUND;
    // getChat (https://core.telegram.org/bots/api#getchat) reads only a chat the bot can see.
    if (method === 'getChat' && !groups.has(chatId)) return CHAT_NOT_FOUND;
    if (method === 'getUpdates' && webhook) return WEBHOOK_ACTIVE;
    return null;
  }

  /**
   * ReplyParameters (https://core.telegram.org/bots/api#replyparameters): the message replied to
   * must exist in the chat (or in `chat_id`), unless `allow_sending_without_reply` is set.
   */
  function replyRefused(chatId: number, reply: unknown): boolean {
    if (!reply || typeof reply !== 'object') return false;
    const r = reply as { message_id?: unknown; chat_id?: unknown; allow_sending_without_reply?: unknown };
    if (r.allow_sending_without_reply === true) return false;
    return !known.has(`${r.chat_id === undefined ? chatId : Number(r.chat_id)}:${Number(r.message_id)}`);
  }

  function answer(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'getMe':
        return botInfo;
      case 'deleteWebhook':
        webhook = null;
        return true;
      case 'setWebhook':
        webhook = { url: String(p.url), ...(p.secret_token ? { secret: String(p.secret_token) } : {}) };
        return true;
      case 'answerCallbackQuery':
        return true;
      case 'getWebhookInfo':
        return {
          url: webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: webhook ? queue.length : 0,
          ...(webhookError
            ? { last_error_date: webhookError.date, last_error_message: webhookError.message }
            : {}),
        };
      case 'getChatMember': {
        const userId = Number(p.user_id);
        const status = chats.get(Number(p.chat_id))?.get(userId) ?? 'left';
        const user = userId === botInfo.id ? botInfo : { id: userId, is_bot: false, first_name: 'U' };
        return { status, user };
      }
      case 'getChat':
        // ChatFullInfo: the fields a group always has (accent_color_id, max_reaction_count are required).
        return { ...groups.get(Number(p.chat_id)), accent_color_id: 0, max_reaction_count: 11 };
      case 'setMyCommands':
        commands = (p.commands as FakeTelegramApi['commands']).map((c) => ({ ...c }));
        return true;
      case 'getMyCommands':
        return commands;
      case 'sendMessage': {
        const chatId = Number(p.chat_id);
        const sent: SentMessage = {
          message_id: nextMessageId++,
          chat_id: chatId,
          text: String(p.text),
          payload: p,
        };
        if (p.reply_markup) sent.reply_markup = p.reply_markup as InlineKeyboardMarkup;
        messages.push(sent);
        known.add(`${chatId}:${sent.message_id}`);
        return toMessage(sent);
      }
      case 'editMessageText':
      case 'editMessageReplyMarkup': {
        const sent = messages.find(
          (m) => m.message_id === Number(p.message_id) && m.chat_id === Number(p.chat_id),
        );
        if (!sent) throw new Error(`no message ${String(p.message_id)}`); // refused before
        if (method === 'editMessageText') sent.text = String(p.text);
        if (p.reply_markup) sent.reply_markup = p.reply_markup as InlineKeyboardMarkup;
        else delete sent.reply_markup;
        return toMessage(sent);
      }
      default:
        return true;
    }
  }

  function toMessage(m: SentMessage): Message {
    const chat =
      m.chat_id > 0
        ? { id: m.chat_id, type: 'private', first_name: 'P' }
        : { id: m.chat_id, type: 'supergroup', title: 'G' };
    return {
      message_id: m.message_id,
      date: Math.floor(Date.now() / 1000),
      chat,
      from: botInfo,
      text: m.text,
      ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}),
    } as Message;
  }

  function getUpdates(p: Record<string, unknown>, req: IncomingMessage, res: ServerResponse) {
    heldPoll?.(OTHER_POLLER);
    for (const done of servedForced.splice(0)) done();
    const offset = Number(p.offset ?? 0);
    if (offset > highestOffset) {
      highestOffset = offset;
      events.emit('offset', offset);
    }
    while (queue.length > 0 && queue[0]!.update_id < offset) queue.shift();
    const flush = () => {
      const ready = [...forced.splice(0), ...queue.filter((u) => u.update_id >= offset)];
      if (ready.length === 0) return false;
      servedForced.push(...pendingForced.splice(0));
      reply(res, 200, { ok: true, result: ready });
      return true;
    };
    if (flush()) return;
    // Long poll: answer when an update arrives, when the client gives up, or at timeout.
    const wake = () => {
      if (flush()) done();
    };
    const timer = setTimeout(
      () => {
        done();
        reply(res, 200, { ok: true, result: [] });
      },
      Math.min(Number(p.timeout ?? 0), 30) * 1000,
    );
    const done = () => {
      clearTimeout(timer);
      waiting.delete(wake);
      if (heldPoll === conflict) heldPoll = null;
    };
    const conflict = (failure: ApiFailure) => {
      done();
      reply(res, failure.error_code, { ok: false, ...failure });
    };
    heldPoll = conflict;
    waiting.add(wake);
    res.on('close', done);
    void req;
  }

  function reply(res: ServerResponse, status: number, body: unknown) {
    if (res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botInfo,
    calls,
    get webhook() {
      return webhook;
    },
    get webhookError() {
      return webhookError;
    },
    set webhookError(e) {
      webhookError = e;
    },
    get commands() {
      return commands;
    },
    startedBy: (userId) => void started.add(userId),
    block: (userId) => void blocked.add(userId),
    setMember(chatId, userId, status) {
      const members = chats.get(chatId) ?? new Map<number, MemberStatus>();
      members.set(userId, status);
      chats.set(chatId, members);
    },
    sent: (chatId) => messages.filter((m) => chatId === undefined || m.chat_id === chatId),
    push(partial) {
      const update = { ...partial, update_id: partial.update_id ?? nextUpdateId++ } as Update;
      nextUpdateId = Math.max(nextUpdateId, update.update_id + 1);
      seeUpdate(update);
      queue.push(update);
      for (const wake of [...waiting]) wake();
      return update;
    },
    redeliver(update) {
      return new Promise((resolve) => {
        seeUpdate(update);
        forced.push(update);
        pendingForced.push(resolve);
        for (const wake of [...waiting]) wake();
      });
    },
    failNext(method, failure, times = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(failure);
      failures.set(method, list);
    },
    processed: (updateId) =>
      new Promise((resolve) => {
        if (highestOffset > updateId) return resolve();
        const check = (offset: number) => {
          if (offset > updateId) {
            events.off('offset', check);
            resolve();
          }
        };
        events.on('offset', check);
      }),
    answered(quietMs = 300) {
      return new Promise((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        let sent = false;
        const arm = () => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            events.off('call', seen);
            resolve();
          }, quietMs);
        };
        const seen = (call: ApiCall) => {
          if (call.method === 'sendMessage') sent = true;
          if (sent && call.method !== 'getUpdates') arm();
        };
        events.on('call', seen);
      });
    },
    onCall(listener) {
      events.on('call', listener);
      return () => void events.off('call', listener);
    },
    waitForCall: (predicate) =>
      new Promise((resolve) => {
        const found = calls.find(predicate);
        if (found) return resolve(found);
        const check = (call: ApiCall) => {
          if (predicate(call)) {
            events.off('call', check);
            resolve(call);
          }
        };
        events.on('call', check);
      }),
    async deliver(update, secret) {
      if (!webhook) throw new Error('no webhook registered');
      seeUpdate(update);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const s = secret === undefined ? webhook.secret : secret;
      if (s !== null && s !== undefined) headers['x-telegram-bot-api-secret-token'] = s;
      const res = await fetch(webhook.url, { method: 'POST', headers, body: JSON.stringify(update) });
      await res.arrayBuffer();
      return res.status;
    },
    async close() {
      for (const wake of [...waiting]) wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
