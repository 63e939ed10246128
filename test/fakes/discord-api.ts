/**
 * A loopback fake of Discord for the real discord.js Client: the REST API (`/api/v10/...`) and
 * a minimal gateway (the `ws` package) on one port of 127.0.0.1. It keeps what a person would
 * see (messages per channel, ephemeral ones marked with who sees them), every REST request as
 * received (so tests assert on `allowed_mentions` and escaped content), and behaves like
 * Discord where leadbot depends on it: 50007 for closed DMs, 40060 for a second
 * acknowledgement of one interaction, 429 with `retry_after` on demand, RESUME with replay.
 * Dispatch payloads are built from the recorded ones in test/fixtures/discord/.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

// biome-ignore lint/suspicious/noExplicitAny: Discord payloads are loose JSON; the fake reads what it needs.
type Json = Record<string, any>;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/discord/${name}.json`, import.meta.url), 'utf8'));

export const IDS = {
  application: '1300000000000000001',
  bot: '1300000000000000002',
  guild: '1300000000000000010',
  channel: '1300000000000000011',
  /** A role of the fake server (use it as DISCORD_MANAGER_ROLE_ID). */
  managerRole: '1300000000000000020',
} as const;

/** Permission bits a member may have in interactions. */
export const PERMS = { none: '0', manageGuild: String(1n << 5n) } as const;

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  content: string;
  components: Json[];
  flags: number;
  author: Json;
  /** Set for ephemeral messages: the only person who sees it. */
  visibleTo?: string;
  /** Files uploaded with the message (multipart), as text. */
  attachments?: { filename: string; contentType: string; text: string }[];
  /** The `allowed_mentions` the message was sent with. */
  allowedMentions?: Json;
  /** Embeds as sent (sales alerts carry their idempotency key in the footer). */
  embeds?: Json[];
  deleted?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: Json | null;
  status: number;
}

const BOT_USER = {
  id: IDS.bot,
  username: 'leadbot',
  global_name: null,
  discriminator: '0',
  avatar: null,
  bot: true,
};
const EPHEMERAL = 64;

export class FakeDiscord extends EventEmitter {
  readonly requests: RecordedRequest[] = [];
  readonly messages = new Map<string, FakeMessage>();
  /** Registered commands per scope (`global` or the guild id). */
  readonly commands = new Map<string, Json[]>();
  readonly dmsClosed = new Set<string>();
  identifies: Json[] = [];
  resumes = 0;
  private server: Server;
  private wss = new WebSocketServer({ noServer: true });
  private socket: WebSocket | null = null;
  private seq = 0;
  private dispatched: Json[] = [];
  private replayOnResume: number[] = [];
  private nextId = 1320000000000000000n;
  private dmChannels = new Map<string, string>();
  private interactions = new Map<
    string,
    { id: string; channelId: string; userId: string; acked: boolean; original?: string; messageId?: string }
  >();
  private rateLimits: { method: string; path: RegExp; retryAfter: number }[] = [];
  private users = new Map<string, FakeUser>();
  port = 0;

  constructor() {
    super();
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) =>
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onGateway(ws)),
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
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  id(): string {
    this.nextId += 1n;
    return this.nextId.toString();
  }

  user(username: string, globalName: string | null = null): FakeUser {
    const u = { id: this.id(), username, global_name: globalName };
    this.users.set(u.id, u);
    return u;
  }

  dmChannelOf(userId: string): string {
    let id = this.dmChannels.get(userId);
    if (!id) {
      id = this.id();
      this.dmChannels.set(userId, id);
    }
    return id;
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

  // ---------- gateway ----------

  /** Sends a dispatch (op 0) and remembers it for replays; returns its index. */
  dispatch(t: string, d: Json): number {
    const packet = { op: 0, t, s: ++this.seq, d };
    this.dispatched.push(packet);
    this.socket?.send(JSON.stringify(packet));
    return this.dispatched.length - 1;
  }

  /** Sends an earlier dispatch again, as Discord may after a reconnect (same event, new sequence). */
  redispatch(index: number): void {
    const packet = this.dispatched[index];
    if (!packet) throw new Error(`fake Discord: no dispatch #${index}`);
    this.dispatch(packet.t, packet.d);
  }

  /** Asks the client to reconnect (op 7); on its RESUME, re-sends the given dispatches first. */
  reconnectAndReplay(indexes: number[]): void {
    this.replayOnResume = indexes;
    this.socket?.send(JSON.stringify({ op: 7, d: null }));
  }

  private onGateway(ws: WebSocket): void {
    this.socket = ws;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 }, s: null, t: null }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as Json;
      if (msg.op === 1) ws.send(JSON.stringify({ op: 11 }));
      if (msg.op === 2) this.onIdentify(ws, msg.d);
      if (msg.op === 6) {
        this.resumes += 1;
        for (const i of this.replayOnResume) ws.send(JSON.stringify(this.dispatched[i]));
        this.replayOnResume = [];
        ws.send(JSON.stringify({ op: 0, t: 'RESUMED', s: ++this.seq, d: {} }));
        this.emit('change');
      }
    });
  }

  private onIdentify(ws: WebSocket, d: Json): void {
    this.identifies.push(d);
    const send = (t: string, data: Json) => ws.send(JSON.stringify({ op: 0, t, s: ++this.seq, d: data }));
    send('READY', {
      v: 10,
      user: BOT_USER,
      guilds: [{ id: IDS.guild, unavailable: true }],
      session_id: 'fake-session',
      resume_gateway_url: `ws://127.0.0.1:${this.port}`,
      shard: [0, 1],
      application: { id: IDS.application, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
    });
    send('GUILD_CREATE', {
      id: IDS.guild,
      name: 'Fake community',
      unavailable: false,
      owner_id: '1300000000000000099',
      joined_at: '2026-01-01T00:00:00.000000+00:00',
      member_count: 2,
      large: false,
      features: [],
      roles: [
        {
          id: IDS.managerRole,
          name: 'Community managers',
          permissions: '0',
          position: 1,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
        {
          id: IDS.guild,
          name: '@everyone',
          permissions: '0',
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      channels: [
        {
          id: IDS.channel,
          type: 0,
          name: 'general',
          position: 0,
          guild_id: IDS.guild,
          permission_overwrites: [],
        },
      ],
      members: [],
      emojis: [],
      stickers: [],
      threads: [],
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    });
    this.emit('change');
  }

  // ---------- what people do ----------

  private asUser(u: FakeUser): Json {
    return {
      ...fixture('message-create-dm').author,
      id: u.id,
      username: u.username,
      global_name: u.global_name,
    };
  }

  private guildMember(u: FakeUser, extra: Json = {}): Json {
    return { ...fixture('interaction-qualify-guild').member, user: this.asUser(u), ...extra };
  }

  /** A DM from `u` to the bot. */
  dm(u: FakeUser, content: string, extra: Json = {}): { index: number; id: string } {
    const id = this.id();
    const d = {
      ...fixture('message-create-dm'),
      id,
      channel_id: this.dmChannelOf(u.id),
      author: this.asUser(u),
      content,
      ...extra,
    };
    return { index: this.dispatch('MESSAGE_CREATE', d), id };
  }

  /** A message in the server channel; `mentionBot` puts the bot's mention in front, as a client does. */
  say(u: FakeUser, content: string, opts: { mentionBot?: boolean } = {}): { index: number; id: string } {
    const id = this.id();
    const base = fixture('message-create-guild-mention');
    const d = {
      ...base,
      id,
      author: this.asUser(u),
      content: opts.mentionBot ? `<@${IDS.bot}> ${content}` : content,
      mentions: opts.mentionBot ? base.mentions : [],
    };
    return { index: this.dispatch('MESSAGE_CREATE', d), id };
  }

  private interaction(
    u: FakeUser,
    where: 'guild' | 'dm',
    extra: Json,
    member: Json = {},
  ): { index: number; id: string } {
    const id = this.id();
    const base = fixture(where === 'guild' ? 'interaction-qualify-guild' : 'interaction-button-dm');
    const channelId = where === 'guild' ? IDS.channel : this.dmChannelOf(u.id);
    const d: Json = {
      ...base,
      id,
      token: `token-${id}`,
      channel_id: channelId,
      channel: { ...base.channel, id: channelId },
      ...extra,
    };
    if (where === 'guild') d.member = this.guildMember(u, member);
    else d.user = this.asUser(u);
    delete d.message;
    if (extra.message) d.message = extra.message;
    this.interactions.set(d.token, {
      id,
      channelId,
      userId: u.id,
      acked: false,
      messageId: extra.message?.id,
    });
    return { index: this.dispatch('INTERACTION_CREATE', d), id };
  }

  /** `/qualify [action]` in the server channel or in the DM with the bot. */
  slash(u: FakeUser, where: 'guild' | 'dm', action?: string) {
    const data: Json = { id: '1300000000000000500', name: 'qualify', type: 1 };
    if (action) data.options = [{ name: 'action', type: 3, value: action }];
    return this.interaction(u, where, { type: 2, data, context: where === 'guild' ? 0 : 1 });
  }

  /**
   * `/leadbot <sub>` with options; a `FakeUser` value becomes a user option (resolved like
   * Discord does). `member` overrides the invoking member's `roles` / `permissions` (see PERMS).
   */
  leadbot(
    u: FakeUser,
    sub: string,
    options: Record<string, string | boolean | FakeUser> = {},
    opts: { where?: 'guild' | 'dm'; roles?: string[]; permissions?: string } = {},
  ) {
    const users: Json = {};
    const opt = Object.entries(options).map(([name, value]) => {
      if (typeof value === 'object') {
        users[value.id] = this.asUser(value);
        return { name, type: 6, value: value.id };
      }
      return { name, type: typeof value === 'boolean' ? 5 : 3, value };
    });
    const data: Json = {
      id: '1300000000000000501',
      name: 'leadbot',
      type: 1,
      options: [{ name: sub, type: 1, options: opt }],
    };
    if (Object.keys(users).length) data.resolved = { users };
    const where = opts.where ?? 'guild';
    const member: Json = { permissions: opts.permissions ?? PERMS.none, roles: opts.roles ?? [] };
    return this.interaction(u, where, { type: 2, data, context: where === 'guild' ? 0 : 1 }, member);
  }

  private messageFor(messageId: string): Json {
    const m = this.messages.get(messageId);
    if (!m) throw new Error(`fake Discord: no message ${messageId}`);
    return { ...fixture('interaction-button-dm').message, ...m, visibleTo: undefined };
  }

  private whereOf(messageId: string): 'guild' | 'dm' {
    return this.messages.get(messageId)?.channel_id === IDS.channel ? 'guild' : 'dm';
  }

  /** Clicks a button of a message the bot sent. */
  click(u: FakeUser, messageId: string, customId: string) {
    const data = { custom_id: customId, component_type: 2 };
    return this.interaction(u, this.whereOf(messageId), {
      type: 3,
      data,
      message: this.messageFor(messageId),
    });
  }

  /** Picks options in a select menu of a message the bot sent. */
  select(u: FakeUser, messageId: string, customId: string, values: string[]) {
    const data = { custom_id: customId, component_type: 3, values };
    return this.interaction(u, this.whereOf(messageId), {
      type: 3,
      data,
      message: this.messageFor(messageId),
    });
  }

  /** Submits the modal opened from a button of `messageId`. */
  submitModal(u: FakeUser, messageId: string, customId: string, inputId: string, value: string) {
    const data = {
      custom_id: customId,
      components: [{ type: 1, components: [{ type: 4, custom_id: inputId, value }] }],
    };
    return this.interaction(u, this.whereOf(messageId), {
      type: 5,
      data,
      message: this.messageFor(messageId),
    });
  }

  // ---------- REST ----------

  private createMessage(channelId: string, body: Json, visibleTo?: string): FakeMessage {
    const m: FakeMessage = {
      id: this.id(),
      channel_id: channelId,
      content: body.content ?? '',
      components: body.components ?? [],
      flags: body.flags ?? 0,
      author: BOT_USER,
    };
    if (visibleTo) m.visibleTo = visibleTo;
    if (body.allowed_mentions) m.allowedMentions = body.allowed_mentions;
    if (body.embeds) m.embeds = body.embeds;
    if (body.__files?.length) m.attachments = body.__files;
    this.messages.set(m.id, m);
    return m;
  }

  private messageJson(m: FakeMessage): Json {
    const { visibleTo: _v, deleted: _d, attachments: _a, allowedMentions: _m, ...rest } = m;
    return { ...fixture('interaction-button-dm').message, ...rest };
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
      return reply(
        429,
        { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
        {
          'retry-after': String(retryAfter),
          'x-ratelimit-scope': 'user',
        },
      );
    }
    const route = this.route(method, path, body, url.searchParams);
    if (!route) return reply(404, { code: 0, message: `fake Discord: no route ${method} ${path}` });
    return reply(route[0], route[1]);
  }

  private route(
    method: string,
    path: string,
    body: Json | null,
    query: URLSearchParams,
  ): [number, unknown] | null {
    if (method === 'GET' && path === '/gateway/bot') {
      const limit = { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 };
      return [200, { url: `ws://127.0.0.1:${this.port}`, shards: 1, session_start_limit: limit }];
    }
    const m1 = path.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/);
    if (m1) {
      const scope = m1[2] ?? 'global';
      if (method === 'GET') return [200, this.commands.get(scope) ?? []];
      if (method === 'PUT') {
        const saved = (body as unknown as Json[]).map((c) => ({
          ...c,
          id: this.id(),
          application_id: m1[1],
          version: this.id(),
        }));
        this.commands.set(scope, saved);
        return [200, saved];
      }
    }
    const m2 = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/);
    if (method === 'POST' && m2) {
      const it = this.interactions.get(m2[2]!);
      if (!it || it.id !== m2[1]) return [404, { code: 10062, message: 'Unknown interaction' }];
      if (it.acked) return [400, { code: 40060, message: 'Interaction has already been acknowledged.' }];
      it.acked = true;
      const data = (body?.data ?? {}) as Json;
      if (body?.type === 4 || body?.type === 5) {
        const ephemeral = ((data.flags ?? 0) & EPHEMERAL) !== 0;
        it.original = this.createMessage(it.channelId, data, ephemeral ? it.userId : undefined).id;
      }
      if (body?.type === 7 && it.messageId) {
        const target = this.messages.get(it.messageId)!;
        if (data.content !== undefined) target.content = data.content;
        if (data.components !== undefined) target.components = data.components;
        if (data.embeds !== undefined) target.embeds = data.embeds;
      }
      return [204, undefined];
    }
    const m3 = path.match(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/@original)?$/);
    if (m3) {
      const it = this.interactions.get(m3[2]!);
      if (!it?.acked) return [404, { code: 10015, message: 'Unknown Webhook' }];
      if (method === 'POST' && !path.endsWith('@original')) {
        const ephemeral = ((body?.flags ?? 0) & EPHEMERAL) !== 0;
        return [
          200,
          this.messageJson(this.createMessage(it.channelId, body ?? {}, ephemeral ? it.userId : undefined)),
        ];
      }
      const original = it.original ? this.messages.get(it.original) : undefined;
      if (!original) return [404, { code: 10008, message: 'Unknown Message' }];
      if (method === 'PATCH') {
        if (body?.content !== undefined) original.content = body.content;
        if (body?.components !== undefined) original.components = body.components;
        if (body?.__files?.length) original.attachments = body.__files;
        return [200, this.messageJson(original)];
      }
      if (method === 'DELETE') {
        original.deleted = true;
        return [204, undefined];
      }
    }
    if (method === 'POST' && path === '/users/@me/channels') {
      const user = this.users.get(String(body?.recipient_id));
      const recipient = user ? this.asUser(user) : { id: String(body?.recipient_id), username: 'someone' };
      return [
        200,
        {
          id: this.dmChannelOf(String(body?.recipient_id)),
          type: 1,
          last_message_id: null,
          flags: 0,
          recipients: [recipient],
        },
      ];
    }
    const m4 = path.match(/^\/channels\/(\d+)(\/messages)?$/);
    if (m4) {
      const channelId = m4[1]!;
      const dmUser = [...this.dmChannels].find(([, c]) => c === channelId)?.[0];
      if (method === 'GET' && !m4[2]) {
        if (channelId === IDS.channel)
          return [200, { id: channelId, type: 0, guild_id: IDS.guild, name: 'general' }];
        if (dmUser)
          return [
            200,
            {
              id: channelId,
              type: 1,
              recipients: [
                this.asUser(this.users.get(dmUser) ?? { id: dmUser, username: 'x', global_name: null }),
              ],
            },
          ];
        return [404, { code: 10003, message: 'Unknown Channel' }];
      }
      if (method === 'GET' && m4[2]) {
        // Channel history as Discord returns it: newest first, at most `limit` (1-100, default 50).
        const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50)));
        const list = [...this.messages.values()]
          .filter((m) => m.channel_id === channelId && !m.deleted && !m.visibleTo)
          .reverse()
          .slice(0, limit);
        return [200, list.map((m) => this.messageJson(m))];
      }
      if (method === 'POST' && m4[2]) {
        if (dmUser && this.dmsClosed.has(dmUser))
          return [403, { code: 50007, message: 'Cannot send messages to this user' }];
        const msg = this.createMessage(channelId, body ?? {});
        const json = this.messageJson(msg);
        if (body?.message_reference)
          Object.assign(json, { type: 19, message_reference: body.message_reference });
        // Discord echoes the bot's own messages on the gateway; the adapter must ignore them.
        this.dispatch('MESSAGE_CREATE', {
          ...json,
          ...(dmUser ? { channel_type: 1 } : { guild_id: IDS.guild }),
        });
        return [200, json];
      }
    }
    return null;
  }
}

/**
 * A multipart body as discord.js sends files: `payload_json` plus `files[n]` parts. The JSON
 * comes back with the files (as text) under `__files`.
 */
async function parseMultipart(raw: Buffer, contentType: string): Promise<Json> {
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  const body = JSON.parse(String(form.get('payload_json') ?? '{}')) as Json;
  const files: { filename: string; contentType: string; text: string }[] = [];
  for (const [name, value] of form.entries()) {
    if (name.startsWith('files[') && typeof value !== 'string')
      files.push({ filename: value.name, contentType: value.type, text: await value.text() });
  }
  body.__files = files;
  return body;
}

/** Starts a fake on a free port of 127.0.0.1. */
export function startFakeDiscord(): Promise<FakeDiscord> {
  return new FakeDiscord().listen();
}
