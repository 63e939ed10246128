/**
 * What the fake Discord knows, shared by its gateway, its REST routes and the people who use
 * it: ids, users and their DM channels, messages (ephemeral ones marked with who sees them) and
 * pending interactions with their tokens.
 */
import { readFileSync } from 'node:fs';
import { GuildState } from './guild.ts';

// biome-ignore lint/suspicious/noExplicitAny: Discord payloads are loose JSON; the fake reads what it needs.
export type Json = Record<string, any>;

/** Payloads recorded from Discord (test/fixtures/discord/), the base of what the fake sends. */
export const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../../fixtures/discord/${name}.json`, import.meta.url), 'utf8'));

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

export const BOT_USER = {
  id: IDS.bot,
  username: 'leadbot',
  global_name: null,
  discriminator: '0',
  avatar: null,
  bot: true,
};

/** Discord's ephemeral message flag. */
export const EPHEMERAL = 64;

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
  /** The `nonce` it was created with (Discord returns it in the create answer, not in history). */
  nonce?: string | number;
  /** When it was created, on the fake's clock (the nonce window counts from here). */
  createdAt?: number;
  /** Emoji the bot reacted with. */
  reactions?: string[];
}

/** A public thread started from a message: its id is the message's id. */
export interface FakeThread {
  id: string;
  parentId: string;
  name: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: Json | null;
  status: number;
}

/** An interaction the bot may still answer, by token. */
export interface PendingInteraction {
  id: string;
  channelId: string;
  userId: string;
  acked: boolean;
  /** When Discord sent it (the fake's clock): the 3-second and 15-minute deadlines count from here. */
  createdAt: number;
  /** A deferred reply (callback type 5) still shows "thinking…": the first follow-up edits it. */
  loading?: boolean;
  original?: string;
  messageId?: string;
  /** The modal shown in answer (callback type 9). */
  modal?: Json;
}

export class FakeState {
  readonly requests: RecordedRequest[] = [];
  readonly messages = new Map<string, FakeMessage>();
  /** Registered commands per scope (`global` or the guild id). */
  readonly commands = new Map<string, Json[]>();
  readonly dmsClosed = new Set<string>();
  /** Server channels the bot may not post in (403 Missing Access). */
  readonly channelsClosed = new Set<string>();
  readonly interactions = new Map<string, PendingInteraction>();
  readonly users = new Map<string, FakeUser>();
  /** Threads by id (== the id of the message they were started from). */
  readonly threads = new Map<string, FakeThread>();
  private readonly dmChannels = new Map<string, string>();
  private nextId = 1320000000000000000n;
  /** The server as the bot sees it (doctor's checks). */
  readonly guild = new GuildState();
  /** When set, REST calls other than interaction callbacks must carry `Bot <botToken>` (else 401). */
  botToken?: string;
  /** How far the fake's clock was moved ahead of the real one (interaction deadlines). */
  clockOffsetMs = 0;

  /** The fake's time in ms: real time plus {@link clockOffsetMs}. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
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

  /** The user whose DM channel `channelId` is, if it is one. */
  dmUserOf(channelId: string): string | undefined {
    return [...this.dmChannels].find(([, c]) => c === channelId)?.[0];
  }

  asUser(u: FakeUser): Json {
    return {
      ...fixture('message-create-dm').author,
      id: u.id,
      username: u.username,
      global_name: u.global_name,
    };
  }

  createMessage(channelId: string, body: Json, visibleTo?: string): FakeMessage {
    const m: FakeMessage = {
      id: this.id(),
      channel_id: channelId,
      content: body.content ?? '',
      components: body.components ?? [],
      flags: body.flags ?? 0,
      author: BOT_USER,
      createdAt: this.now(),
    };
    if (body.nonce !== undefined) m.nonce = body.nonce;
    if (visibleTo) m.visibleTo = visibleTo;
    if (body.allowed_mentions) m.allowedMentions = body.allowed_mentions;
    if (body.embeds) m.embeds = body.embeds;
    if (body.__files?.length) m.attachments = body.__files;
    this.messages.set(m.id, m);
    return m;
  }

  messageJson(m: FakeMessage): Json {
    const {
      visibleTo: _v,
      deleted: _d,
      attachments: _a,
      allowedMentions: _m,
      nonce: _n,
      createdAt: _c,
      reactions: _r,
      ...rest
    } = m;
    return { ...fixture('interaction-button-dm').message, ...rest };
  }
}
