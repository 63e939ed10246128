/**
 * A loopback fake of Discord for the real discord.js Client: the REST API (`/api/v10/...`,
 * discord/rest.ts) and a minimal gateway (the `ws` package, discord/gateway.ts) on one port of
 * 127.0.0.1, and the people who use it (discord/interactions.ts). It keeps what a person would
 * see (messages per channel, ephemeral ones marked with who sees them), every REST request as
 * received (so tests assert on `allowed_mentions` and escaped content), and behaves like
 * Discord: the documented limits of discord/limits.ts (50035 Invalid Form Body), 50007 for
 * closed DMs, 40060 for a second acknowledgement of one interaction, 10062 after the 3-second
 * deadline (a fake clock: `advanceClock`), a deferred reply's first follow-up editing it,
 * 429 with `retry_after` on demand, RESUME with replay, every dispatch to every connected client,
 * threads started on a message (discord/threads.ts: 160004 for a second one), `enforce_nonce`
 * deduplication, reactions, and thread messages without content when the bot lacks the Message
 * Content intent. Dispatch payloads are built from the recorded ones
 * in test/fixtures/discord/.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { FakeGateway } from './discord/gateway.ts';
import { FakePeople } from './discord/interactions.ts';
import { parseMultipart, routeRest } from './discord/rest.ts';
import { type FakeMessage, FakeState, type FakeUser, type Json } from './discord/state.ts';
import { startThread } from './discord/threads.ts';

export { modalInputIds } from './discord/interactions.ts';
export type { FakeMessage, FakeUser, RecordedRequest } from './discord/state.ts';
export { IDS, PERMS } from './discord/state.ts';

/** GatewayIntentBits.MessageContent (https://discord.com/developers/docs/events/gateway#list-of-intents). */
const MESSAGE_CONTENT_INTENT = 1 << 15;

export class FakeDiscord extends EventEmitter {
  private readonly state = new FakeState();
  private readonly gateway = new FakeGateway(
    () => this.port,
    () => this.emit('change'),
  );
  private readonly people = new FakePeople(this.state, (t, d) => this.gateway.dispatch(t, d));
  private server: Server;
  private wss = new WebSocketServer({ noServer: true });
  private rateLimits: { method: string; path: RegExp; retryAfter: number }[] = [];
  port = 0;

  readonly requests = this.state.requests;
  readonly messages = this.state.messages;
  /** Registered commands per scope (`global` or the guild id). */
  readonly commands = this.state.commands;
  readonly dmsClosed = this.state.dmsClosed;
  /** Server channels where the bot lacks access: posting there answers 403 Missing Access. */
  readonly channelsClosed = this.state.channelsClosed;
  /** Interactions by token: whether and how each was answered. */
  readonly interactions = this.state.interactions;

  /** The server as the bot's token sees it: membership, roles, channel overwrites, intent flags. */
  get guild() {
    return this.state.guild;
  }

  /** Makes REST calls need `Bot <token>` (401 otherwise), as Discord does for a reset token. */
  requireToken(token: string): void {
    this.state.botToken = token;
  }

  /** Moves the fake's clock ahead (interaction deadlines: 3 s to answer, 15 min of follow-ups). */
  advanceClock(ms: number): void {
    this.state.clockOffsetMs += ms;
  }

  // What people do (discord/interactions.ts).
  readonly dm = this.people.dm.bind(this.people);
  readonly say = this.people.say.bind(this.people);
  readonly slash = this.people.slash.bind(this.people);
  readonly leadbot = this.people.leadbot.bind(this.people);
  readonly link = this.people.link.bind(this.people);
  readonly click = this.people.click.bind(this.people);
  readonly select = this.people.select.bind(this.people);
  readonly submitModal = this.people.submitModal.bind(this.people);

  /**
   * `u` writes in thread `threadId`; the content reaches the bot only if it asked for the
   * Message Content intent at IDENTIFY or the message mentions it.
   */
  threadReply(u: FakeUser, threadId: string, content: string, opts: { mentionBot?: boolean } = {}) {
    const intents = Number(this.gateway.identifies.at(-1)?.intents ?? 0);
    const contentIntent = (intents & MESSAGE_CONTENT_INTENT) !== 0;
    return this.people.inThread(u, threadId, content, { ...opts, contentIntent });
  }

  /** A person starts a thread on a message of the server channel from the client (Create Thread). */
  startThreadOn(messageId: string, name = 'Thread'): [number, unknown] {
    const channelId = this.messages.get(messageId)?.channel_id ?? '';
    const answer = startThread(this.state, this.dispatch, channelId, messageId, { name });
    this.emit('change');
    return answer;
  }

  /** Threads started in the server channel, by id (the id of the message each hangs off). */
  get threads() {
    return this.state.threads;
  }

  // The gateway (discord/gateway.ts).
  readonly dispatch = this.gateway.dispatch.bind(this.gateway);
  readonly redispatch = this.gateway.redispatch.bind(this.gateway);
  readonly reconnectAndReplay = this.gateway.reconnectAndReplay.bind(this.gateway);
  get identifies(): Json[] {
    return this.gateway.identifies;
  }
  get resumes(): number {
    return this.gateway.resumes;
  }

  constructor() {
    super();
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) =>
      this.wss.handleUpgrade(req, socket, head, (ws) => this.gateway.attach(ws)),
    );
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The value for DISCORD_API_URL / the client's `rest.api`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async close(): Promise<void> {
    this.gateway.close();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  id(): string {
    return this.state.id();
  }

  user(username: string, globalName: string | null = null): FakeUser {
    return this.state.user(username, globalName);
  }

  dmChannelOf(userId: string): string {
    return this.state.dmChannelOf(userId);
  }

  /** Messages a person sees in a channel, oldest first (others' ephemeral ones excluded). */
  visible(channelId: string, userId?: string): FakeMessage[] {
    return [...this.messages.values()].filter(
      (m) => m.channel_id === channelId && !m.deleted && (!m.visibleTo || m.visibleTo === userId),
    );
  }

  /** Bodies of the requests that create or change messages (what the bot tried to show). */
  messageBodies(): Json[] {
    return this.requests
      .filter(
        (r) => r.body && ['POST', 'PATCH'].includes(r.method) && /messages|webhooks|callback/.test(r.path),
      )
      .map((r) => (r.path.endsWith('/callback') ? (r.body?.data ?? {}) : r.body!))
      .filter((b) => typeof b.content === 'string');
  }

  /** Resolves once `predicate` holds; rejects with `what` if it does not within `ms` (a hang guard). */
  waitFor<T>(what: string, predicate: () => T | undefined | null | false, ms = 8000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = predicate();
        if (v) {
          cleanup();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Discord: timed out waiting for ${what}`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('change', check);
      };
      this.on('change', check);
      check();
    });
  }

  /** The next matching request gets a 429 asking to retry after `retryAfter` seconds. */
  rateLimitNext(method: string, path: RegExp, retryAfter = 0.05): void {
    this.rateLimits.push({ method, path, retryAfter });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const type = String(req.headers['content-type'] ?? '');
    const body = type.startsWith('multipart/form-data')
      ? await parseMultipart(raw, type)
      : raw.length
        ? (JSON.parse(raw.toString('utf8')) as Json)
        : null;
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const method = req.method ?? 'GET';
    const reply = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method, path, body, status });
      res.writeHead(
        status,
        json === undefined ? headers : { 'content-type': 'application/json', ...headers },
      );
      res.end(json === undefined ? undefined : JSON.stringify(json));
      this.emit('change');
    };
    const limit = this.rateLimits.findIndex((r) => r.method === method && r.path.test(path));
    if (limit >= 0) {
      const { retryAfter } = this.rateLimits.splice(limit, 1)[0]!;
      const headers = { 'retry-after': String(retryAfter), 'x-ratelimit-scope': 'user' };
      return reply(
        429,
        { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
        headers,
      );
    }
    const route = routeRest(this.state, this.dispatch, this.port, {
      method,
      path,
      body,
      query: url.searchParams,
      auth: String(req.headers.authorization ?? ''),
    });
    if (!route) return reply(404, { code: 0, message: `fake Discord: no route ${method} ${path}` });
    return reply(route[0], route[1]);
  }
}

/** Starts a fake on a free port of 127.0.0.1. */
export function startFakeDiscord(): Promise<FakeDiscord> {
  return new FakeDiscord().listen();
}
