/**
 * Pure mapping of Telegram updates to core events. No I/O: everything needed (the bot's own
 * id and username) is passed in, so recorded updates can be replayed in tests.
 */
import type { CallbackQuery, Message, MessageEntity, Update, User } from 'grammy/types';
import type { EventOrigin, InboundEvent } from '../../src/core/events.ts';
import { decodeCallbackData, sameButtonStep } from './callback-data.ts';

export interface BotIdentity {
  id: number;
  username: string;
}

const PRIVATE = 'private';

/**
 * Maps one update to an {@link InboundEvent}, or null when the bot should stay silent:
 * group chatter not addressed to the bot, other bots, service updates, toggles of a
 * multiple-choice keyboard (handled by the adapter without the core), foreign buttons.
 */
export function toInboundEvent(update: Update, me: BotIdentity): InboundEvent | null {
  if (update.message) return fromMessage(update.message, update.update_id, me);
  if (update.callback_query) return fromCallback(update.callback_query, update.update_id);
  if (update.edited_message?.chat.type === PRIVATE && update.edited_message.from) {
    const m = update.edited_message;
    return {
      ...origin(m, m.from!, update.update_id),
      kind: 'unsupported',
      reason: 'edited_message',
      raw: update,
    };
  }
  return null;
}

function origin(message: Pick<Message, 'chat'>, from: User, updateId: number): EventOrigin {
  const isDirect = message.chat.type === PRIVATE;
  const displayName = [from.first_name, from.last_name].filter(Boolean).join(' ');
  const o: EventOrigin = {
    platform: 'telegram',
    workspaceId: isDirect ? '' : String(message.chat.id),
    channelId: String(message.chat.id),
    userId: String(from.id),
    isDirect,
    eventId: String(updateId),
  };
  if (from.username) {
    o.username = from.username;
    // Who has a username can be reached at t.me/<username> (https://core.telegram.org/api/links#public-username-links).
    o.profileUrl = `https://t.me/${from.username}`;
  }
  if (displayName) o.displayName = displayName;
  // Groups and channels have a title; a private chat's is the person, not a place.
  const title = 'title' in message.chat ? message.chat.title : undefined;
  if (!isDirect && title) o.workspaceName = title;
  return o;
}

function fromMessage(m: Message, updateId: number, me: BotIdentity): InboundEvent | null {
  if (!m.from || m.from.is_bot) return null;
  const base = { ...origin(m, m.from, updateId), raw: { update_id: updateId, message: m } };
  const text = m.text;
  const entities = m.entities ?? [];

  const command = text === undefined ? null : parseCommand(text, entities, me);
  if (command === 'foreign') return null;
  if (command) {
    if (command.name === 'start' && command.args[0]) {
      // An invitation's deep link names the inviting manager and the group (`consent_<id>_g<chat>`);
      // that is attribution, recorded by the outreach composer, not a campaign.
      const campaign = command.args[0].replace(/^consent(?:_\d+)?(?:_g-?\d+)?$/, 'consent');
      return { ...base, kind: 'command', name: 'start', args: [campaign], campaign };
    }
    return { ...base, kind: 'command', name: command.name, args: command.args };
  }

  if (base.isDirect) {
    if (text !== undefined) return { ...base, kind: 'message', text };
    return { ...base, kind: 'unsupported', reason: messageKind(m) };
  }

  // Groups: only what is addressed to the bot (mention or reply), never other chatter.
  const repliedToBot = m.reply_to_message?.from?.id === me.id;
  const mention = text === undefined ? null : findMention(text, entities, me);
  if (!repliedToBot && !mention) return null;
  if (text === undefined) return { ...base, kind: 'unsupported', reason: messageKind(m) };
  const cleaned = mention
    ? (text.slice(0, mention.offset) + text.slice(mention.offset + mention.length)).trim()
    : text;
  return { ...base, kind: 'message', text: cleaned, mentionsBot: true };
}

function parseCommand(
  text: string,
  entities: MessageEntity[],
  me: BotIdentity,
): { name: string; args: string[] } | 'foreign' | null {
  const entity = entities.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!entity) return null;
  const [rawName = '', target] = text.slice(1, entity.length).split('@');
  if (target !== undefined && target.toLowerCase() !== me.username.toLowerCase()) return 'foreign';
  const args = text.slice(entity.length).trim().split(/\s+/).filter(Boolean);
  return { name: rawName.toLowerCase(), args };
}

function findMention(text: string, entities: MessageEntity[], me: BotIdentity): MessageEntity | null {
  const handle = `@${me.username}`.toLowerCase();
  return (
    entities.find(
      (e) =>
        (e.type === 'mention' && text.slice(e.offset, e.offset + e.length).toLowerCase() === handle) ||
        (e.type === 'text_mention' && e.user.id === me.id),
    ) ?? null
  );
}

function messageKind(m: Message): string {
  const known = [
    'sticker',
    'photo',
    'voice',
    'video',
    'document',
    'contact',
    'location',
    'audio',
    'animation',
  ];
  return known.find((k) => k in m) ?? 'non_text_message';
}

function fromCallback(q: CallbackQuery, updateId: number): InboundEvent | null {
  const message = q.message;
  if (!message || q.from.is_bot) return null;
  const data = decodeCallbackData(q.data);
  if (!data || data.kind === 'toggle') return null;
  const base = { ...origin(message, q.from, updateId), raw: { update_id: updateId, callback_query: q } };
  if (data.kind === 'choice') return { ...base, kind: 'choice', stepId: data.stepId, values: [data.value] };
  return { ...base, kind: 'choice', stepId: data.stepId, values: checkedValues(q, data.stepId) };
}

/** The values checked in a multiple-choice keyboard: the keyboard itself is the state. */
export function checkedValues(q: CallbackQuery, stepId: string): string[] {
  const rows =
    q.message && 'reply_markup' in q.message ? (q.message.reply_markup?.inline_keyboard ?? []) : [];
  const values: string[] = [];
  for (const button of rows.flat()) {
    const data = 'callback_data' in button ? decodeCallbackData(button.callback_data) : null;
    if (data?.kind === 'toggle' && data.checked && sameButtonStep(data.stepId, stepId))
      values.push(data.value);
  }
  return values;
}

/**
 * Reads a private `/start consent[_<managerId>][_g<groupId>]` back; null for any other text.
 * The group is what the link says: the adapter trusts it only for a chat the bot can see.
 */
export function parseConsentStart(text: string | undefined): { invitedBy?: string; groupId?: number } | null {
  const m = /^\/start(?:@\w+)?\s+consent(?:_(\d{1,20}))?(?:_g(-?\d{1,20}))?$/.exec(text ?? '');
  if (!m) return null;
  const groupId = m[2] === undefined ? undefined : Number(m[2]);
  return {
    ...(m[1] ? { invitedBy: `telegram:${m[1]}` } : {}),
    ...(groupId !== undefined && Number.isSafeInteger(groupId) ? { groupId } : {}),
  };
}
