/**
 * Pure mapping of Slack payloads (Events API envelopes, block_actions, slash commands) to
 * core {@link InboundEvent}s; null means "not for the bot". Event ids are stable across
 * Slack's redeliveries: the envelope's `event_id` for events, `action_ts` + user for clicks,
 * `trigger_id` for slash commands (which Slack never retries).
 */
import type { ChoiceEvent, CommandEvent, InboundEvent, MessageEvent } from '../../src/core/events.ts';
import { decodeSlackText } from './escape.ts';
import { ACTION, QUESTION_BLOCK_PREFIX, type SlackBlock } from './outbound.ts';

// biome-ignore lint/suspicious/noExplicitAny: raw Slack JSON, validated field by field below.
type Json = any;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const isDmChannel = (id: string | undefined) => id?.startsWith('D') ?? false;

/** Commands a person may type or pass to the slash command; everything else is a message. */
export const COMMANDS = ['start', 'restart', 'stop'] as const;

/** The message a click happened on: where it is and what it shows (to update it in place). */
export interface ClickedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: SlackBlock[];
}

/** The message of a `block_actions` payload; null when the click was not on a message. */
export function clickedMessage(body: Json): ClickedMessage | null {
  const channel = str(body?.channel?.id) ?? str(body?.container?.channel_id);
  const ts = str(body?.message?.ts);
  if (!channel || !ts) return null;
  const blocks = Array.isArray(body.message.blocks) ? (body.message.blocks as SlackBlock[]) : [];
  return { channel, ts, text: typeof body.message.text === 'string' ? body.message.text : '', blocks };
}

/** Reads a consent button's value (outbound.ts `consentValue`) back; null for an empty or foreign value. */
export function parseConsentValue(value: unknown): { userId: string; invitedBy?: string } | null {
  if (typeof value !== 'string' || value === '') return null;
  const bar = value.indexOf('|');
  if (bar < 0) return { userId: value };
  const userId = value.slice(0, bar);
  const invitedBy = value.slice(bar + 1);
  return userId ? { userId, ...(invitedBy ? { invitedBy } : {}) } : null;
}

/**
 * An Events API envelope (`{ type: 'event_callback', team_id, event_id, event }`).
 * Accepted: DMs to the bot (`message` in an `im`) and `app_mention`s; bot messages, edits
 * and other subtypes are ignored.
 */
export function fromEventEnvelope(body: Json, botUserId?: string): InboundEvent | null {
  const event = body?.event;
  const eventId = str(body?.event_id);
  const user = str(event?.user);
  const channel = str(event?.channel);
  if (!event || !eventId || !user || !channel) return null;
  if (event.bot_id || (botUserId && user === botUserId)) return null;
  const origin = {
    platform: 'slack' as const,
    workspaceId: str(body.team_id) ?? str(event.team) ?? '',
    channelId: channel,
    userId: user,
    eventId,
    raw: body,
  };
  if (event.type === 'message') {
    if (event.channel_type !== 'im') return null; // channel chatter: only mentions concern the bot
    if (event.subtype !== undefined && event.subtype !== 'file_share') return null;
    if (typeof event.text !== 'string' || event.text.trim() === '') {
      return { ...origin, isDirect: true, kind: 'unsupported', reason: 'message without text' };
    }
    return textEvent({ ...origin, isDirect: true }, event.text, false);
  }
  if (event.type === 'app_mention') {
    const text = String(event.text ?? '')
      .replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, (m: string) => (botUserId && m.includes(botUserId) ? '' : m))
      .trim();
    return textEvent({ ...origin, isDirect: isDmChannel(channel) }, text, true);
  }
  return null;
}

function textEvent(
  origin: Omit<MessageEvent, 'kind' | 'text'>,
  slackText: string,
  mentionsBot: boolean,
): MessageEvent | CommandEvent {
  const text = decodeSlackText(slackText).trim();
  const [first = '', ...rest] = text.split(/\s+/);
  const word = first.replace(/^\//, '').toLowerCase();
  // `start <campaign>` may carry an argument; `stop`/`restart` only alone, so an answer that
  // merely begins with the word stays an answer.
  if (
    (COMMANDS as readonly string[]).includes(word) &&
    (rest.length === 0 || (word === 'start' && rest.length === 1))
  ) {
    return { ...origin, kind: 'command', name: word, args: rest };
  }
  return { ...origin, kind: 'message', text, mentionsBot: mentionsBot || undefined };
}

/**
 * The event id of a click: stable across Slack's redeliveries (same payload) and free of the
 * user id, because processed event ids are kept after a person is forgotten.
 */
export function actionEventId(body: Json, actionTs: string): string {
  const trigger = str(body?.trigger_id);
  return trigger ? `${actionTs}:${trigger}` : actionTs;
}

/** A `block_actions` payload for one of the question buttons; null for other actions. */
export function fromBlockAction(body: Json): ChoiceEvent | null {
  const action = body?.actions?.[0];
  const user = str(body?.user?.id);
  const channel = str(body?.channel?.id) ?? str(body?.container?.channel_id);
  const actionTs = str(action?.action_ts);
  if (!action || !user || !channel || !actionTs) return null;
  const blockId = str(action.block_id) ?? '';
  const stepId = blockId.startsWith(QUESTION_BLOCK_PREFIX) ? blockId.slice(QUESTION_BLOCK_PREFIX.length) : '';
  let values: string[];
  if (action.action_id === ACTION.select) {
    const picked = action.selected_option?.value;
    values = typeof picked === 'string' ? [picked] : [];
  } else if (String(action.action_id).startsWith(ACTION.choicePrefix)) {
    values = typeof action.value === 'string' ? [action.value] : [];
  } else if (action.action_id === ACTION.multiDone) {
    const selected = body?.state?.values?.[blockId]?.[ACTION.multi]?.selected_options ?? [];
    values = (selected as Json[]).map((o) => String(o.value));
  } else {
    return null;
  }
  return {
    kind: 'choice',
    platform: 'slack',
    workspaceId: str(body?.team?.id) ?? str(body?.user?.team_id) ?? '',
    channelId: channel,
    userId: user,
    username: str(body?.user?.username),
    isDirect: isDmChannel(channel),
    eventId: actionEventId(body, actionTs),
    stepId: stepId === '' ? undefined : stepId,
    values,
    raw: body,
  };
}

/** A slash command (`/leadbot restart`): the first word is the command, `start` by default. */
export function fromSlashCommand(body: Json): CommandEvent | null {
  const user = str(body?.user_id);
  const channel = str(body?.channel_id);
  const trigger = str(body?.trigger_id);
  if (!user || !channel || !trigger) return null;
  const [name = 'start', ...args] = decodeSlackText(String(body.text ?? ''))
    .trim()
    .split(/\s+/)
    .filter((s) => s !== '');
  return {
    kind: 'command',
    platform: 'slack',
    workspaceId: str(body.team_id) ?? '',
    channelId: channel,
    userId: user,
    username: str(body.user_name),
    isDirect: body.channel_name === 'directmessage' || isDmChannel(channel),
    eventId: `command:${trigger}`,
    name: name.toLowerCase(),
    args,
    raw: body,
  };
}
