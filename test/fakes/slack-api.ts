/**
 * A strict fake Slack Web API on 127.0.0.1 for the real `@slack/web-api` client (bolt's `client`).
 * Point the client at `fake.apiUrl` (`slackApiUrl`). It records every call, keeps channel
 * histories (with message metadata), and can answer with 429 / 500 / Slack errors on demand.
 * Supported: chat.postMessage, chat.update, chat.postEphemeral, conversations.open,
 * conversations.history, conversations.replies (threads: slack/threads.ts), conversations.info, views.open, auth.test, files.uploadV2
 * (getUploadURLExternal, the upload URL, completeUploadExternal), usergroups.users.list,
 * users.info, team.info and response URLs (`fake.responseUrl(...)`, see slack/response-url.ts).
 *
 * Strict like Slack: every message and view is checked against the documented Block Kit limits
 * (slack/limits.ts) and refused with Slack's own error (`invalid_blocks`, `msg_too_long`, HTTP
 * 200); the bot posts only where it is: a channel it is not a member of answers
 * `not_in_channel` (private channels and DMs it is not part of: `channel_not_found`). The bot is
 * a member of the channels given at start (`channels`) or added with `join`; its DMs are the
 * ones opened with conversations.open or added with `join('D…')`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageRefusal, viewRefusal } from './slack/limits.ts';
import { answerResponse, type FakeResponse, type ResponseTarget } from './slack/response-url.ts';
import { isReply, repliesPage, threadRefusal } from './slack/threads.ts';

export type { FakeResponse } from './slack/response-url.ts';

// biome-ignore lint/suspicious/noExplicitAny: recorded JSON as the client sent it.
type Json = any;

export interface SlackCall {
  method: string;
  args: Record<string, Json>;
  token: string | undefined;
}

export interface FakeMessage {
  ts: string;
  channel: string;
  text: string;
  blocks: Json[];
  metadata?: Json;
  user: string;
  /** The parent's ts when this is a reply in a thread. */
  thread_ts?: string;
  /** Set when it was posted through a response URL or chat.postEphemeral: only this user sees it. */
  ephemeralTo?: string;
}

/** A workspace member as users.info describes one (https://api.slack.com/methods/users.info). */
export interface FakeSlackUser {
  /** The legacy username (`name`). */
  name: string;
  realName?: string;
  displayName?: string;
}

/** An injected failure: HTTP status (429 with Retry-After seconds, 5xx) or a Slack `error`. */
export type Failure = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | { error: string };

export interface FakeSlackApi {
  apiUrl: string;
  calls: SlackCall[];
  /** Channel id → messages, oldest first. */
  channels: Map<string, FakeMessage[]>;
  callsTo(method: string): SlackCall[];
  /** Files uploaded through files.uploadV2 (upload URL + completeUploadExternal), by file id. */
  files: Map<string, { content: string; filename?: string; channel?: string; comment?: string }>;
  /** Members of user groups, for usergroups.users.list. */
  userGroups: Map<string, string[]>;
  /** People of the workspace, for users.info (an unknown id answers `user_not_found`). */
  users: Map<string, FakeSlackUser>;
  /** The workspace, for team.info (its name can be changed by a test). */
  team: { name: string };
  /** Ephemeral messages (chat.postEphemeral and ephemeral responses), in order. */
  ephemerals: FakeMessage[];
  /** Everything posted through response URLs, in order. */
  responses: FakeResponse[];
  /**
   * A person's message in `channel`, as the Events API delivered it to the app: Slack holds it
   * too, so a reply in its thread (`thread_ts` = its ts) is valid and history shows it.
   */
  userMessage(m: { channel: string; ts: string; user: string; text: string; thread_ts?: string }): void;
  /** Makes the bot a member of `channel` (a `D…` id: a DM of the bot). */
  join(channel: string): void;
  /** Removes the bot from `channel`. */
  leave(channel: string): void;
  /** Whether the bot is in `channel`. */
  isMember(channel: string): boolean;
  /** A response URL for an invocation by `user` in `channel` (a click: `messageTs` of its message). */
  responseUrl(target: { channel: string; user: string; messageTs?: string }): string;
  /** Moves the fake's clock (response URL expiry) forward. */
  advance(ms: number): void;
  /** The OAuth scopes auth.test reports in `x-oauth-scopes` (doctor checks). */
  scopes: string[];
  /** auth.test answers `invalid_auth` for any other token; undefined: every token is valid. */
  validToken: string | undefined;
  /** The next `times` calls to `method` fail with `failure` (they are still recorded). */
  failNext(method: string, failure: Failure, times?: number): void;
  /** Resolves when `predicate` holds (checked on every call), rejects after `timeoutMs`. */
  waitFor(predicate: (calls: SlackCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const JSON_FIELDS = ['blocks', 'metadata', 'view', 'attachments'];

async function readArgs(req: IncomingMessage): Promise<Record<string, Json>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  let args: Record<string, Json>;
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    args = raw ? JSON.parse(raw) : {};
  } else {
    args = Object.fromEntries(new URLSearchParams(raw));
  }
  for (const f of JSON_FIELDS) if (typeof args[f] === 'string') args[f] = JSON.parse(args[f]);
  return args;
}

/** Starts the fake on an ephemeral port. `botUserId` is the author of the bot's messages. */
export async function startFakeSlackApi(
  opts: { botUserId?: string; channels?: string[]; scopes?: string[]; token?: string } = {},
): Promise<FakeSlackApi> {
  const botUser = opts.botUserId ?? 'UBOT';
  const member = new Set(opts.channels ?? []);
  const ephemerals: FakeMessage[] = [];
  const responses: FakeResponse[] = [];
  const responseTargets = new Map<string, ResponseTarget>();
  let skew = 0;
  const now = () => Date.now() + skew;
  const state = { scopes: opts.scopes ?? [], validToken: opts.token };
  /** not_in_channel / channel_not_found as Slack answers a post where the bot is not. */
  const whereNot = (channel: unknown): Json | null => {
    if (typeof channel !== 'string' || channel === '') return { ok: false, error: 'channel_not_found' };
    if (member.has(channel)) return null;
    // Public channels the bot can see but is not in; private ones and other people's DMs are invisible to it.
    return { ok: false, error: channel.startsWith('C') ? 'not_in_channel' : 'channel_not_found' };
  };
  const calls: SlackCall[] = [];
  const channels = new Map<string, FakeMessage[]>();
  const failures = new Map<string, { failure: Failure; times: number }>();
  const waiters = new Set<() => void>();
  const files = new Map<string, { content: string; filename?: string; channel?: string; comment?: string }>();
  const userGroups = new Map<string, string[]>();
  const users = new Map<string, FakeSlackUser>();
  const team = { name: 'Acme Slack' };
  let seq = 0;
  let baseUrl = '';
  const nextTs = () => `1700000000.${String(++seq).padStart(6, '0')}`;
  const history = (c: string) => {
    let list = channels.get(c);
    if (!list) {
      list = [];
      channels.set(c, list);
    }
    return list;
  };

  function answer(method: string, a: Record<string, Json>): Json {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          user_id: botUser,
          bot_id: 'BBOT',
          team_id: 'T1',
          team: 'Leadbot Test',
          url: 'https://test.slack.com/',
        };
      case 'chat.postMessage': {
        const refused =
          whereNot(a.channel) ?? messageRefusal(a) ?? threadRefusal(history(a.channel), a.thread_ts);
        if (refused) return refused;
        const msg: FakeMessage = {
          ts: nextTs(),
          channel: a.channel,
          text: a.text ?? '',
          blocks: a.blocks ?? [],
          metadata: a.metadata,
          user: botUser,
          ...(a.thread_ts ? { thread_ts: a.thread_ts } : {}),
        };
        history(a.channel).push(msg);
        return { ok: true, channel: a.channel, ts: msg.ts, message: { ...msg, type: 'message' } };
      }
      case 'chat.update': {
        const refused = whereNot(a.channel) ?? messageRefusal(a);
        if (refused) return refused;
        const msg = history(a.channel).find((m) => m.ts === a.ts);
        if (!msg) return { ok: false, error: 'message_not_found' };
        msg.text = a.text ?? msg.text;
        if (a.blocks) msg.blocks = a.blocks;
        return { ok: true, channel: a.channel, ts: a.ts, text: msg.text };
      }
      case 'chat.postEphemeral': {
        const refused = whereNot(a.channel) ?? messageRefusal(a);
        if (refused) return refused;
        if (!a.user) return { ok: false, error: 'user_not_in_channel' };
        const msg: FakeMessage = {
          ts: nextTs(),
          channel: a.channel,
          text: a.text ?? '',
          blocks: a.blocks ?? [],
          user: botUser,
          ephemeralTo: a.user,
          ...(a.thread_ts ? { thread_ts: a.thread_ts } : {}),
        };
        ephemerals.push(msg);
        return { ok: true, message_ts: msg.ts };
      }
      case 'conversations.open': {
        const users = String(a.users ?? '');
        const id = `D${users.split(',')[0]}`;
        member.add(id); // the bot's own DM with the user
        return { ok: true, channel: { id } };
      }
      case 'conversations.info': {
        if (typeof a.channel !== 'string' || (!member.has(a.channel) && !a.channel.startsWith('C')))
          return { ok: false, error: 'channel_not_found' };
        return {
          ok: true,
          channel: { id: a.channel, is_member: member.has(a.channel), name: a.channel.toLowerCase() },
        };
      }
      case 'conversations.history': {
        if (!member.has(a.channel)) return whereNot(a.channel);
        const inclusive = a.inclusive === 'true' || a.inclusive === true;
        const all = [...history(a.channel)]
          .filter((m) => !isReply(m))
          .filter((m) => !a.latest || (inclusive ? m.ts <= a.latest : m.ts < a.latest))
          .reverse(); // newest first, as Slack does
        const start = a.cursor ? Number(a.cursor) : 0;
        const limit = Number(a.limit ?? 100);
        const page = all.slice(start, start + limit).map((m) => {
          const withMeta = a.include_all_metadata === 'true' || a.include_all_metadata === true;
          const { metadata, ...rest } = m;
          return { type: 'message', ...rest, ...(withMeta && metadata ? { metadata } : {}) };
        });
        const more = start + limit < all.length;
        return {
          ok: true,
          messages: page,
          has_more: more,
          response_metadata: { next_cursor: more ? String(start + limit) : '' },
        };
      }
      case 'conversations.replies':
        if (!member.has(a.channel)) return whereNot(a.channel);
        return repliesPage(history(a.channel), a);
      case 'files.getUploadURLExternal': {
        // https://api.slack.com/methods/files.getUploadURLExternal: `filename` and `length` (the
        // size in bytes) are required arguments.
        if (!a.filename || !(Number(a.length) > 0)) return { ok: false, error: 'invalid_arguments' };
        const id = `F${++seq}`;
        files.set(id, { content: '', filename: a.filename });
        return { ok: true, file_id: id, upload_url: `${baseUrl}api/upload/${id}` };
      }
      case 'files.completeUploadExternal': {
        if (a.channel_id !== undefined && whereNot(a.channel_id)) return whereNot(a.channel_id);
        const list: { id: string; title?: string }[] =
          typeof a.files === 'string' ? JSON.parse(a.files) : a.files;
        for (const f of list) {
          const file = files.get(f.id);
          if (file) Object.assign(file, { channel: a.channel_id, comment: a.initial_comment });
        }
        return { ok: true, files: list.map((f) => ({ id: f.id, title: f.title })) };
      }
      case 'usergroups.users.list': {
        const users = userGroups.get(a.usergroup);
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      case 'users.info': {
        // users.info: `user` is required; an unknown id is `user_not_found` (api.slack.com/methods/users.info).
        const u = users.get(a.user);
        if (!u) return { ok: false, error: 'user_not_found' };
        const profile = { real_name: u.realName ?? '', display_name: u.displayName ?? '' };
        return {
          ok: true,
          user: { id: a.user, team_id: 'T1', name: u.name, real_name: u.realName, profile },
        };
      }
      case 'team.info':
        return { ok: true, team: { id: a.team ?? 'T1', name: team.name, domain: 'acme' } };
      case 'views.open':
        if (viewRefusal(a.view)) return viewRefusal(a.view);
        return { ok: true, view: { id: `V${++seq}`, ...a.view } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const server: Server = createServer(async (req, res) => {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    if (method.startsWith('upload/')) {
      // The upload URL of files.uploadV2: the raw file bytes.
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const file = files.get(method.slice('upload/'.length));
      if (file) file.content = Buffer.concat(chunks).toString('utf8');
      calls.push({ method: 'upload', args: { id: method.slice(7) }, token: undefined });
      res.writeHead(file ? 200 : 404).end('OK');
      return;
    }
    const args = await readArgs(req);
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    calls.push({ method, args, token });
    res.on('finish', () => {
      for (const w of [...waiters]) w();
    });
    if (method.startsWith('response/')) {
      const id = method.slice('response/'.length);
      const target = responseTargets.get(id);
      const { status, answer: body } = answerResponse(target, args, now());
      if (target && body.ok) {
        const text = args.text ?? '';
        const blocks = args.blocks ?? [];
        const responseType = args.response_type === 'in_channel' ? 'in_channel' : 'ephemeral';
        responses.push({
          id,
          channel: target.channel,
          user: target.user,
          responseType,
          replaceOriginal: !!args.replace_original,
          text,
          blocks,
        });
        const original = target.messageTs
          ? history(target.channel).find((m) => m.ts === target.messageTs)
          : undefined;
        if (args.delete_original && original)
          history(target.channel).splice(history(target.channel).indexOf(original), 1);
        else if (args.replace_original && original) Object.assign(original, { text, blocks });
        else if (responseType === 'in_channel')
          history(target.channel).push({
            ts: nextTs(),
            channel: target.channel,
            text,
            blocks,
            user: botUser,
          });
        else
          ephemerals.push({
            ts: nextTs(),
            channel: target.channel,
            text,
            blocks,
            user: botUser,
            ephemeralTo: target.user,
          });
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    if (state.validToken !== undefined && token !== state.validToken) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: false, error: 'invalid_auth' }));
      return;
    }
    const f = failures.get(method);
    if (f && f.times > 0) {
      f.times--;
      const failure = f.failure;
      if ('status' in failure) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (failure.status === 429) headers['retry-after'] = String(failure.retryAfter);
        res.writeHead(failure.status, headers).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      } else {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: false, error: failure.error }));
      }
      return;
    }
    // Every Web API answer names the token's scopes (https://docs.slack.dev/authentication/tokens: "x-oauth-scopes").
    res
      .writeHead(200, { 'content-type': 'application/json', 'x-oauth-scopes': state.scopes.join(',') })
      .end(JSON.stringify(answer(method, args)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}/`;

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    calls,
    channels,
    callsTo: (method) => calls.filter((c) => c.method === method),
    files,
    userGroups,
    users,
    team,
    ephemerals,
    responses,
    userMessage(m) {
      if (!history(m.channel).some((h) => h.ts === m.ts)) history(m.channel).push({ ...m, blocks: [] });
    },
    join: (channel) => void member.add(channel),
    leave: (channel) => void member.delete(channel),
    isMember: (channel) => member.has(channel),
    responseUrl(target) {
      const id = `R${++seq}`;
      responseTargets.set(id, { ...target, createdAt: now(), uses: 0 });
      return `${baseUrl}api/response/${id}`;
    },
    advance(ms) {
      skew += ms;
    },
    get scopes() {
      return state.scopes;
    },
    set scopes(v: string[]) {
      state.scopes = v;
    },
    get validToken() {
      return state.validToken;
    },
    set validToken(v: string | undefined) {
      state.validToken = v;
    },
    failNext(method, failure, times = 1) {
      failures.set(method, { failure, times });
    },
    waitFor(predicate, timeoutMs = 5000) {
      if (predicate(calls)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(calls)) return;
          clearTimeout(timer);
          waiters.delete(check);
          // Let the client finish reading the answer before the test looks at the effects.
          setImmediate(resolve);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`fake Slack: condition not met; calls: ${calls.map((c) => c.method).join(', ')}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
