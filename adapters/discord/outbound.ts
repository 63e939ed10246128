/**
 * Core messages → Discord message payloads (pure), built with discord.js's builders and sent
 * as their JSON. Every text leadbot shows is escaped here: the core's texts interpolate what
 * people typed, so nothing may become markdown, a link preview or a mention, and every payload
 * carries `allowedMentions: { parse: [] }` so that even a mention that slipped through could not
 * ping anyone.
 */
import {
  ActionRowBuilder,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  StringSelectMenuBuilder,
} from 'discord.js';
import type { ReplyLimits } from '../../src/core/commands/reply-to-manager.ts';
import type { ChoiceOption, OutboundMessage } from '../../src/core/events.ts';
import { clip } from '../../src/core/text-fit.ts';
import { CUSTOM_ID_MAX, encodeCustomId } from './custom-ids.ts';
import { escapeText } from './escape.ts';

export { escapeText } from './escape.ts';

/** Discord's limits (https://discord.com/developers/docs/components/reference). */
export const LIMITS = {
  content: 2000,
  buttonsPerRow: 5,
  rows: 5,
  buttonLabel: 80,
  selectOptions: 25,
  selectLabel: 100,
  selectValue: 100,
} as const;

/** The adapter's own words (the flow's texts come from the engine). */
export const UI_TEXT = {
  continuePrivately: 'Continue privately',
  answer: 'Answer',
  answerModalTitle: 'Your answer',
  chooseOne: 'Choose one…',
  chooseSeveral: 'Choose one or more…',
  sentDm: 'I sent you a direct message — let’s continue there.',
  dmClosed: 'Your direct messages are closed, so let’s continue here (only you can see these messages).',
} as const;

/**
 * Where a message is shown: a DM with the bot, an ephemeral reply in a server channel (only
 * the person sees it; free answers go through a modal since they cannot be typed there), or
 * a server channel everyone reads.
 */
export type Surface = 'dm' | 'ephemeral' | 'channel';

/** Never ping: no @everyone/@here, roles or users, not even the author of a replied message. */
export const NO_MENTIONS = { parse: [] as [], repliedUser: false } as const;

export interface DiscordPayload {
  content: string;
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  allowedMentions: typeof NO_MENTIONS;
  /** Ephemeral for ephemeral replies; link previews are always suppressed (user text may hold links). */
  flags: number;
}

/** A manager reply: message content is at most 2,000 characters after escaping. */
export const DISCORD_REPLY_LIMITS: ReplyLimits = { maxLength: LIMITS.content, escape: escapeText };

function flagsFor(surface: Surface): number {
  return MessageFlags.SuppressEmbeds | (surface === 'ephemeral' ? MessageFlags.Ephemeral : 0);
}

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

function row(components: (ButtonBuilder | StringSelectMenuBuilder)[]): Row {
  return new ActionRowBuilder<ButtonBuilder | StringSelectMenuBuilder>().addComponents(components).toJSON();
}

function button(
  customId: string,
  label: string,
  style: ButtonStyle.Primary | ButtonStyle.Secondary = ButtonStyle.Secondary,
): ButtonBuilder {
  return new ButtonBuilder().setCustomId(customId).setLabel(clip(label, LIMITS.buttonLabel)).setStyle(style);
}

function choiceButtons(stepId: string, choices: ChoiceOption[]): ButtonBuilder[] | null {
  const ids = choices.map((c) => encodeCustomId({ kind: 'choice', stepId, value: c.value }));
  if (ids.some((id) => id.length > CUSTOM_ID_MAX)) return null;
  return choices.map((c, i) => button(ids[i]!, c.label || c.value));
}

function choiceSelect(
  stepId: string,
  choices: ChoiceOption[],
  multiple: boolean,
  part?: { n: number; of: number; first: number },
): StringSelectMenuBuilder {
  const placeholder = multiple ? UI_TEXT.chooseSeveral : UI_TEXT.chooseOne;
  return new StringSelectMenuBuilder()
    .setCustomId(encodeCustomId({ kind: 'select', stepId, ...(part?.n ? { part: part.n } : {}) }))
    .setPlaceholder(part ? `${placeholder} (${part.first + 1}–${part.first + choices.length})` : placeholder)
    .setMinValues(1)
    .setMaxValues(multiple ? choices.length : 1)
    .addOptions(
      choices.map((c) => ({ label: clip(c.label || c.value, LIMITS.selectLabel), value: c.value })),
    );
}

/**
 * The components for a question's choices: buttons for up to 5 single choices, a select menu
 * for longer lists and for multiple choice (`max_values` replaces a "done" button), several
 * menus of 25 for a single choice of up to `rows × 25` options (Discord: 25 options per menu,
 * one menu per row, 5 rows), or null when Discord cannot carry them (a multiple choice over
 * 25, more options than the rows hold, over-long values): the person then answers by text or
 * number, which the engine accepts.
 */
function choiceComponents(msg: OutboundMessage, rows: number): Row[] | null {
  const choices = msg.choices ?? [];
  const stepId = msg.stepId ?? '';
  if (choices.length === 0) return [];
  const menus = Math.ceil(choices.length / LIMITS.selectOptions);
  const selectFits =
    (msg.multiple ? menus === 1 : menus <= rows) &&
    choices.every((c) => c.value.length > 0 && c.value.length <= LIMITS.selectValue) &&
    encodeCustomId({ kind: 'select', stepId, part: menus }).length <= CUSTOM_ID_MAX;
  if (!msg.multiple && choices.length <= LIMITS.buttonsPerRow) {
    const buttons = choiceButtons(stepId, choices);
    if (buttons) return [row(buttons)];
  }
  if (!selectFits) return null;
  if (menus === 1) return [row([choiceSelect(stepId, choices, msg.multiple === true)])];
  return Array.from({ length: menus }, (_, n) => {
    const first = n * LIMITS.selectOptions;
    const part = choices.slice(first, first + LIMITS.selectOptions);
    return row([choiceSelect(stepId, part, false, { n, of: menus, first })]);
  });
}

/** Renders one core message for the given surface. */
export function renderMessage(msg: OutboundMessage, surface: Surface): DiscordPayload {
  let content = escapeText(msg.text);
  const components: Row[] = [];
  // Rows left for the choices: Discord allows 5, and the Answer or Continue privately button takes one.
  const choiceRows = choiceComponents(
    msg,
    LIMITS.rows - (msg.offerPrivate || surface === 'ephemeral' ? 1 : 0),
  );
  if (choiceRows === null) {
    // Fallback: numbered options, answered by text (in a DM) or through the answer modal.
    const list = (msg.choices ?? []).map((c, i) => `${i + 1}. ${escapeText(c.label || c.value)}`);
    content = `${content}\n${list.join('\n')}`;
  } else {
    components.push(...choiceRows);
  }
  const needsTypedAnswer = msg.kind === 'question' && (choiceRows === null || choiceRows.length === 0);
  if (needsTypedAnswer && surface === 'ephemeral') {
    const id = encodeCustomId({ kind: 'answer', stepId: msg.stepId ?? '' });
    if (id.length <= CUSTOM_ID_MAX) components.push(row([button(id, UI_TEXT.answer, ButtonStyle.Primary)]));
  }
  if (msg.offerPrivate) {
    components.push(
      row([button(encodeCustomId({ kind: 'private' }), UI_TEXT.continuePrivately, ButtonStyle.Primary)]),
    );
  }
  return {
    content: clip(content, LIMITS.content),
    components,
    allowedMentions: NO_MENTIONS,
    flags: flagsFor(surface),
  };
}

/** Renders a plain notice of the adapter's own (DM sent, DMs closed). */
export function renderNotice(text: string, surface: Surface): DiscordPayload {
  return {
    content: escapeText(text),
    components: [],
    allowedMentions: NO_MENTIONS,
    flags: flagsFor(surface),
  };
}

/**
 * The clicked question, updated to show the answer and without its buttons (so it cannot be
 * answered twice). `original` is the message's current content, already escaped when sent.
 */
export function renderAnswered(original: string, answerLabels: string[]): Omit<DiscordPayload, 'flags'> {
  const answer = clip(`→ ${escapeText(answerLabels.join(', '))}`, LIMITS.content / 2);
  const room = LIMITS.content - answer.length - 2;
  return {
    content: `${clip(original, Math.max(room, 1))}\n\n${answer}`,
    components: [],
    allowedMentions: NO_MENTIONS,
  };
}

/**
 * The consent prompt: the invited member is named (and pinged, deliberately), nobody else.
 * `invitedBy` (the inviting manager's Discord user id) rides in the buttons' custom ids.
 */
export function renderConsentPrompt(userId: string, text: string, invitedBy?: string) {
  const id = (accept: boolean) =>
    encodeCustomId({ kind: 'consent', accept, userId, ...(invitedBy ? { invitedBy } : {}) });
  const buttons = [
    new ButtonBuilder().setCustomId(id(true)).setLabel('Yes, message me').setStyle(ButtonStyle.Primary),
    new ButtonBuilder().setCustomId(id(false)).setLabel('No thanks').setStyle(ButtonStyle.Secondary),
  ];
  return {
    content: `<@${userId}> ${escapeText(text)}`,
    components: [new ActionRowBuilder<ButtonBuilder>().addComponents(buttons).toJSON()],
    allowedMentions: { parse: [] as [], users: [userId], repliedUser: false },
    flags: MessageFlags.SuppressEmbeds as const,
  };
}

/** The Discord user id inside a `discord:<id>` inviter; other platforms' inviters are not carried. */
export function discordInviter(invitedBy: string | undefined): string | undefined {
  const m = /^discord:(\d{1,21})$/.exec(invitedBy ?? '');
  return m ? m[1] : undefined;
}
