/**
 * What people do on the fake Discord, as the dispatches Discord would send: DMs and server
 * messages (MESSAGE_CREATE), and interactions (INTERACTION_CREATE) — `/qualify`, `/leadbot`,
 * clicks, menu picks and modal submissions — each registered with its token so the bot can
 * answer it once through the REST routes.
 */
import { type FakeState, type FakeUser, fixture, IDS, type Json, PERMS } from './state.ts';
import { threadJson } from './threads.ts';

/** Sends a dispatch to the connected clients; returns its index (for replays). */
export type Dispatch = (t: string, d: Json) => number;

/** The custom ids of a modal's text inputs, in either layout (label components, or action rows). */
export function modalInputIds(modal: Json): string[] {
  return ((modal.components ?? []) as Json[]).flatMap((c) =>
    c.type === 18 ? [c.component?.custom_id] : ((c.components ?? []) as Json[]).map((x) => x.custom_id),
  );
}

export class FakePeople {
  constructor(
    private readonly state: FakeState,
    private readonly dispatch: Dispatch,
  ) {}

  private guildMember(u: FakeUser, extra: Json = {}): Json {
    return { ...fixture('interaction-qualify-guild').member, user: this.state.asUser(u), ...extra };
  }

  /** A DM from `u` to the bot. */
  dm(u: FakeUser, content: string, extra: Json = {}): { index: number; id: string } {
    const id = this.state.id();
    const d = {
      ...fixture('message-create-dm'),
      id,
      channel_id: this.state.dmChannelOf(u.id),
      author: this.state.asUser(u),
      content,
      ...extra,
    };
    return { index: this.dispatch('MESSAGE_CREATE', d), id };
  }

  /** A message in the server channel; `mentionBot` puts the bot's mention in front, as a client does. */
  say(u: FakeUser, content: string, opts: { mentionBot?: boolean } = {}): { index: number; id: string } {
    const id = this.state.id();
    const base = fixture('message-create-guild-mention');
    const d = {
      ...base,
      id,
      author: this.state.asUser(u),
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
    inChannel?: string,
  ): { index: number; id: string } {
    const id = this.state.id();
    const base = fixture(where === 'guild' ? 'interaction-qualify-guild' : 'interaction-button-dm');
    const channelId = inChannel ?? (where === 'guild' ? IDS.channel : this.state.dmChannelOf(u.id));
    const d: Json = {
      ...base,
      id,
      token: `token-${id}`,
      channel_id: channelId,
      // A thread's interactions carry the thread channel (type 11, its parent).
      channel: this.state.threads.has(channelId)
        ? threadJson(this.state, channelId)
        : { ...base.channel, id: channelId },
      ...extra,
    };
    if (where === 'guild') d.member = this.guildMember(u, member);
    else d.user = this.state.asUser(u);
    delete d.message;
    if (extra.message) d.message = extra.message;
    this.state.interactions.set(d.token, {
      id,
      channelId,
      userId: u.id,
      acked: false,
      createdAt: this.state.now(),
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

  /** `/link [code]`: account linking, open to every member. */
  link(u: FakeUser, code?: string, where: 'guild' | 'dm' = 'guild') {
    const data: Json = { id: '1300000000000000502', name: 'link', type: 1 };
    if (code !== undefined) data.options = [{ name: 'code', type: 3, value: code }];
    return this.interaction(
      u,
      where,
      { type: 2, data, context: where === 'guild' ? 0 : 1 },
      {
        permissions: PERMS.none,
        roles: [],
      },
    );
  }

  /**
   * `/leadbot <sub>` with options; a `FakeUser` value becomes a user option (resolved like
   * Discord does). `member` overrides the invoking member's `roles` / `permissions` (see PERMS).
   */
  leadbot(
    u: FakeUser,
    sub: string,
    options: Record<string, string | boolean | FakeUser> = {},
    opts: { where?: 'guild' | 'dm'; roles?: string[]; permissions?: string; channelId?: string } = {},
  ) {
    const users: Json = {};
    const opt = Object.entries(options).map(([name, value]) => {
      if (typeof value === 'object') {
        users[value.id] = this.state.asUser(value);
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
    return this.interaction(
      u,
      where,
      { type: 2, data, context: where === 'guild' ? 0 : 1 },
      member,
      opts.channelId,
    );
  }

  /**
   * A message of `u` in a thread of the server channel. Without the Message Content intent
   * Discord sends it with an empty `content` unless it mentions the bot
   * (https://discord.com/developers/docs/events/gateway#message-content-intent);
   * `contentIntent` says whether the bot asked for it.
   */
  inThread(
    u: FakeUser,
    threadId: string,
    content: string,
    opts: { mentionBot?: boolean; contentIntent: boolean },
  ): { index: number; id: string } {
    const text = opts.mentionBot ? `<@${IDS.bot}> ${content}` : content;
    const stored = this.state.createMessage(threadId, { content: text });
    stored.author = this.state.asUser(u);
    const base = fixture('message-create-thread');
    const d = {
      ...base,
      id: stored.id,
      channel_id: threadId,
      author: this.state.asUser(u),
      content: opts.contentIntent || opts.mentionBot ? text : '',
      mentions: opts.mentionBot ? base.mentions : [],
    };
    return { index: this.dispatch('MESSAGE_CREATE', d), id: stored.id };
  }

  private messageFor(messageId: string): Json {
    const m = this.state.messages.get(messageId);
    if (!m) throw new Error(`fake Discord: no message ${messageId}`);
    return { ...fixture('interaction-button-dm').message, ...m, visibleTo: undefined };
  }

  private whereOf(messageId: string): 'guild' | 'dm' {
    return this.state.messages.get(messageId)?.channel_id === IDS.channel ? 'guild' : 'dm';
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

  /**
   * Submits the modal opened from a button of `messageId`, its text input in a label component
   * (type 18) as Discord sends the answers of a modal built with labels.
   */
  submitModal(u: FakeUser, messageId: string, customId: string, inputId: string, value: string) {
    const data = {
      custom_id: customId,
      components: [{ type: 18, id: 1, component: { type: 4, id: 2, custom_id: inputId, value } }],
    };
    return this.interaction(u, this.whereOf(messageId), {
      type: 5,
      data,
      message: this.messageFor(messageId),
    });
  }
}
