/**
 * discord.js messages and interactions → core events (pure). The inputs are the few fields
 * leadbot reads, typed structurally so discord.js objects fit as they are and tests can pass
 * plain objects.
 *
 * Identity: Discord user ids are global, and a private conversation (DM, or ephemeral replies
 * when DMs are closed) has no server, so private events carry `workspaceId: ''` wherever they
 * happen — the same person in a DM and in an ephemeral reply is one lead. Events in a server
 * channel (mentions, public buttons) carry the guild id and `isDirect: false`.
 * Event ids are the message or interaction id: a gateway replay carries the same id, so the
 * engine's de-duplication on `(platform, eventId)` drops it.
 */
import { MessageFlags } from 'discord.js';
import type {
  ChoiceEvent,
  CommandEvent,
  EventOrigin,
  InboundEvent,
  MessageEvent,
  Place,
} from '../../src/core/events.ts';
import { ANSWER_INPUT_ID, decodeCustomId } from './custom-ids.ts';
import type { Surface } from './outbound.ts';

export interface UserView {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

/** The names discord.js knows of a server and its channel (absent in DMs and in plain test objects). */
interface PlaceNames {
  guild?: { name: string } | null;
  /** A DM channel has no name; a server channel or thread has one. */
  channel?: object | null;
}

export interface MessageView extends PlaceNames {
  id: string;
  content: string;
  channelId: string;
  guildId: string | null;
  author: UserView;
  webhookId: string | null;
  system: boolean;
  mentions: { users: { has(id: string): boolean } };
  attachments: { size: number };
  stickers: { size: number };
  /** A forward's copies of the forwarded messages (its own content is empty). */
  messageSnapshots?: { map<T>(fn: (snapshot: { content: string }) => T): T[] };
}

export interface InteractionView extends PlaceNames {
  id: string;
  channelId: string | null;
  guildId: string | null;
  user: UserView;
}

export interface CommandView extends InteractionView {
  commandName: string;
  options: { getString(name: string): string | null };
}

export interface ComponentView extends InteractionView {
  customId: string;
  /** Present on select menus. */
  values?: string[];
  message: { flags: { has(bit: number): boolean } };
}

export interface ModalView extends InteractionView {
  customId: string;
  fields: { getTextInputValue(id: string): string };
}

/** Where a private conversation lives: the DM channel, or the server channel of ephemeral replies. */
export interface PrivateTarget {
  channelId: string;
}

/** The core command behind each `/qualify action:` choice. */
export const QUALIFY_ACTIONS = ['start', 'restart', 'stop'] as const;

function person(user: UserView): Pick<EventOrigin, 'userId' | 'username' | 'displayName'> {
  const who: Pick<EventOrigin, 'userId' | 'username' | 'displayName'> = {
    userId: user.id,
    username: user.username,
  };
  if (user.globalName) who.displayName = user.globalName;
  return who;
}

/** A link to the person's Discord profile, which opens in a browser or the app for anyone. */
function profile(user: UserView): Pick<EventOrigin, 'profileUrl'> {
  return { profileUrl: `https://discord.com/users/${user.id}` };
}

/**
 * The server channel a consent prompt was answered in, as the place a member who accepts it
 * came from (their lead's source); undefined outside a server.
 */
export function serverPlace(
  v: PlaceNames & { guildId: string | null; channelId: string | null },
): Place | undefined {
  if (!v.guildId || !v.channelId) return undefined;
  return { workspaceId: v.guildId, channelId: v.channelId, ...placeNames(v) };
}

/** The server's and channel's names of a server event, where discord.js has them cached. */
function placeNames(v: PlaceNames): Pick<EventOrigin, 'workspaceName' | 'channelName'> {
  return {
    ...(v.guild?.name ? { workspaceName: v.guild.name } : {}),
    ...(v.channel && 'name' in v.channel && typeof v.channel.name === 'string' && v.channel.name
      ? { channelName: v.channel.name }
      : {}),
  };
}

function privateOrigin(i: InteractionView, target: PrivateTarget): EventOrigin {
  return {
    platform: 'discord',
    workspaceId: '',
    channelId: target.channelId,
    ...person(i.user),
    ...profile(i.user),
    isDirect: true,
    eventId: i.id,
    raw: i,
  };
}

/** The surface a component interaction happened on (decides how replies are sent). */
export function surfaceOf(i: ComponentView | ModalView): Surface {
  if (i.guildId === null) return 'dm';
  if ('message' in i && i.message && !i.message.flags.has(MessageFlags.Ephemeral)) return 'channel';
  return 'ephemeral';
}

function interactionOrigin(i: ComponentView | ModalView): EventOrigin {
  if (surfaceOf(i) !== 'channel') return privateOrigin(i, { channelId: i.channelId ?? '' });
  return {
    platform: 'discord',
    workspaceId: i.guildId ?? '',
    channelId: i.channelId ?? '',
    ...person(i.user),
    ...profile(i.user),
    ...placeNames(i),
    isDirect: false,
    eventId: i.id,
    raw: i,
  };
}

/** Removes the bot's own mention (`<@id>` or the legacy `<@!id>`) from a message text. */
export function stripBotMention(text: string, botUserId: string): string {
  return text.replaceAll(`<@${botUserId}>`, '').replaceAll(`<@!${botUserId}>`, '').trim();
}

/**
 * A message. DMs continue the flow; in a server the bot reacts only when mentioned (anything
 * else returns null). Bots, webhooks and system messages are ignored; a forward is read as the
 * text it forwards.
 */
export function parseMessage(m: MessageView, ctx: { botUserId: string }): InboundEvent | null {
  if (m.author.bot || m.webhookId || m.system) return null;
  const isDirect = m.guildId === null;
  if (!isDirect && !m.mentions.users.has(ctx.botUserId)) return null;
  const base: EventOrigin = {
    platform: 'discord',
    workspaceId: m.guildId ?? '',
    channelId: m.channelId,
    ...person(m.author),
    ...profile(m.author),
    ...(isDirect ? {} : placeNames(m)),
    isDirect,
    eventId: m.id,
    raw: m,
  };
  const own = isDirect ? m.content.trim() : stripBotMention(m.content, ctx.botUserId);
  // A forward has no content of its own: what the person forwarded is what they tell us.
  const forwarded =
    own === '' ? (m.messageSnapshots?.map((s) => s.content.trim()) ?? []).filter(Boolean) : [];
  const text = own || forwarded.join('\n');
  if (isDirect && text === '') {
    const reason = m.attachments.size > 0 || m.stickers.size > 0 ? 'attachment' : 'empty message';
    return { ...base, kind: 'unsupported', reason };
  }
  const event: MessageEvent = { ...base, kind: 'message', text };
  if (!isDirect) event.mentionsBot = true;
  return event;
}

/**
 * `/qualify [action]` → `start` (starts or resumes), `restart` or `stop`, as a private event
 * for the channel where the conversation will live.
 */
export function parseCommand(i: CommandView, target: PrivateTarget): CommandEvent {
  const action = i.options.getString('action');
  const name = (QUALIFY_ACTIONS as readonly string[]).includes(action ?? '') ? action! : 'start';
  return { ...privateOrigin(i, target), kind: 'command', name, args: [] };
}

/** "Continue privately" clicked: the flow starts (or resumes) in the private target. */
export function parseContinuePrivately(i: InteractionView, target: PrivateTarget): CommandEvent {
  return { ...privateOrigin(i, target), kind: 'command', name: 'start', args: [] };
}

/** A choice button or select menu of leadbot's; null for other components. */
export function parseComponent(i: ComponentView): ChoiceEvent | null {
  const id = decodeCustomId(i.customId);
  if (id?.kind !== 'choice' && id?.kind !== 'select') return null;
  const values = id.kind === 'choice' ? [id.value] : (i.values ?? []);
  if (values.length === 0) return null;
  const event: ChoiceEvent = { ...interactionOrigin(i), kind: 'choice', values };
  if (id.stepId) event.stepId = id.stepId;
  return event;
}

/** The answer modal submitted: a free-text answer. */
export function parseModal(i: ModalView): MessageEvent | null {
  if (decodeCustomId(i.customId)?.kind !== 'modal') return null;
  return { ...interactionOrigin(i), kind: 'message', text: i.fields.getTextInputValue(ANSWER_INPUT_ID) };
}
