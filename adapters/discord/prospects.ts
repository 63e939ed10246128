/**
 * The prospect's side of Discord: DMs and messages that mention the bot go to the engine and
 * its replies back (in a server, the first one replies to the mention); `/qualify` and
 * "Continue privately" open the private conversation (a DM, or ephemeral replies when the
 * person's DMs are closed), choice buttons and menus answer the current question (the clicked
 * message is updated to show the answer), the "Answer" button opens a modal for a free answer
 * where typing is impossible. Every interaction is acknowledged before the engine runs, well
 * within Discord's 3 seconds.
 */
import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type DMChannel,
  type Interaction,
  LabelBuilder,
  type Message,
  MessageFlags,
  ModalBuilder,
  type ModalSubmitInteraction,
  type RepliableInteraction,
  type StringSelectMenuInteraction,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { InboundEvent, OutboundMessage } from '../../src/core/events.ts';
import type { InboundHandler, Logger } from '../../src/core/ports/index.ts';
import { QUALIFY_COMMAND } from './commands.ts';
import { ANSWER_INPUT_ID, decodeCustomId, encodeCustomId } from './custom-ids.ts';
import { isDmClosed } from './errors.ts';
import {
  type PrivateTarget,
  parseCommand,
  parseComponent,
  parseContinuePrivately,
  parseMessage,
  parseModal,
  surfaceOf,
} from './inbound.ts';
import type { DiscordListeners } from './listen.ts';
import { renderAnswered, renderMessage, renderNotice, type Surface, UI_TEXT } from './outbound.ts';

interface InteractionContext {
  handler: InboundHandler;
  logger: Logger;
}

/** Sends the engine's replies as follow-ups of an acknowledged interaction. */
async function followUps(
  i: RepliableInteraction,
  replies: OutboundMessage[],
  surface: Surface,
): Promise<void> {
  for (const reply of replies) await i.followUp(renderMessage(reply, surface));
}

/** Sends messages into a DM channel, in order. */
export async function sendAll(channel: DMChannel, replies: OutboundMessage[]): Promise<void> {
  for (const reply of replies) await channel.send(renderMessage(reply, 'dm'));
}

/**
 * Starts or resumes the private conversation. Used in a DM, the interaction's own replies
 * carry it; in a server, the bot writes a DM and falls back to ephemeral replies when
 * Discord refuses it (50007: DMs closed).
 */
async function startPrivately(
  i: ChatInputCommandInteraction | ButtonInteraction,
  toEvent: (target: PrivateTarget) => InboundEvent,
  ctx: InteractionContext,
): Promise<void> {
  if (i.guildId === null) {
    await i.deferReply();
    const replies = await ctx.handler(toEvent({ channelId: i.channelId }));
    const [first, ...rest] = replies;
    if (!first) return void (await i.deleteReply());
    await i.editReply(renderMessage(first, 'dm'));
    return followUps(i, rest, 'dm');
  }
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const dm = await i.user.createDM();
  const replies = await ctx.handler(toEvent({ channelId: dm.id }));
  if (replies.length === 0) return void (await i.deleteReply());
  try {
    await sendAll(dm, replies);
    await i.editReply(renderNotice(UI_TEXT.sentDm, 'ephemeral'));
  } catch (err) {
    if (!isDmClosed(err)) throw err;
    ctx.logger.info({ userId: i.user.id }, 'DMs closed (50007): continuing in ephemeral replies');
    await i.editReply(renderNotice(UI_TEXT.dmClosed, 'ephemeral'));
    await followUps(i, replies, 'ephemeral');
  }
}

/** The labels of what was picked, to show under the question. */
function pickedLabels(i: ButtonInteraction | StringSelectMenuInteraction): string[] {
  // The component can be missing from a stale or edited message: fall back to the raw values.
  const component = i.component as {
    label?: string | null;
    options?: { value: string; label: string }[];
  } | null;
  if (i.isButton()) return [component?.label ?? decodeCustomId(i.customId)?.kind ?? ''];
  return i.values.map((v) => component?.options?.find((o) => o.value === v)?.label ?? v);
}

async function answerChoice(
  i: ButtonInteraction | StringSelectMenuInteraction,
  ctx: InteractionContext,
): Promise<void> {
  const event = parseComponent(i);
  if (!event) return void (await i.deferUpdate());
  await i.update(renderAnswered(i.message.content, pickedLabels(i)));
  await followUps(i, await ctx.handler(event), surfaceOf(i));
}

async function openAnswerModal(i: ButtonInteraction, stepId: string): Promise<void> {
  const answer = new TextInputBuilder()
    .setCustomId(ANSWER_INPUT_ID)
    .setStyle(TextInputStyle.Paragraph)
    .setRequired(true)
    .setMaxLength(4000);
  await i.showModal(
    new ModalBuilder()
      .setCustomId(encodeCustomId({ kind: 'modal', stepId }))
      .setTitle(UI_TEXT.answerModalTitle)
      .addLabelComponents(new LabelBuilder().setLabel(UI_TEXT.answer).setTextInputComponent(answer)),
  );
}

async function answerModal(i: ModalSubmitInteraction, ctx: InteractionContext): Promise<void> {
  const event = parseModal(i);
  if (!event) return void (await i.deferUpdate());
  if (i.isFromMessage()) await i.update(renderAnswered(i.message.content, [event.text]));
  else await i.deferReply({ flags: MessageFlags.Ephemeral });
  await followUps(i, await ctx.handler(event), surfaceOf(i));
}

/** Interactions of the prospect's flow: `/qualify` and leadbot's question components. */
const PROSPECT_IDS = new Set(['choice', 'select', 'private', 'answer', 'modal']);
function isProspectInteraction(
  i: Interaction,
): i is
  | ChatInputCommandInteraction
  | ButtonInteraction
  | StringSelectMenuInteraction
  | ModalSubmitInteraction {
  if (i.isChatInputCommand()) return i.commandName === QUALIFY_COMMAND.name;
  if (!i.isButton() && !i.isStringSelectMenu() && !i.isModalSubmit()) return false;
  return PROSPECT_IDS.has(decodeCustomId(i.customId)?.kind ?? '');
}

/** Routes one prospect interaction. */
async function handleInteraction(
  i: ChatInputCommandInteraction | ButtonInteraction | StringSelectMenuInteraction | ModalSubmitInteraction,
  ctx: InteractionContext,
): Promise<void> {
  if (i.isChatInputCommand()) return startPrivately(i, (target) => parseCommand(i, target), ctx);
  if (i.isModalSubmit()) return answerModal(i, ctx);
  const id = decodeCustomId(i.customId);
  if (id?.kind === 'private' && i.isButton()) {
    return startPrivately(i, (target) => parseContinuePrivately(i, target), ctx);
  }
  if (id?.kind === 'answer' && i.isButton()) return openAnswerModal(i, id.stepId);
  return answerChoice(i, ctx);
}

export interface DiscordProspectWiring {
  /** The core's handler, set by `adapter.start`. */
  handler: () => InboundHandler | null;
  /** The bot's own user id (known once connected). */
  botUserId: () => string;
  /** Messages that are not a prospect's whatever they say (a rep's reply in an alert's thread). */
  ignore?: (m: Message) => boolean;
  logger: Logger;
}

/** Registers the prospect's messages and interactions. */
export function registerDiscordProspects(listen: DiscordListeners, w: DiscordProspectWiring): void {
  listen.message(
    (m) => !w.ignore?.(m) && parseMessage(m, { botUserId: w.botUserId() }) !== null,
    async (message: Message) => {
      const event = parseMessage(message, { botUserId: w.botUserId() });
      const handler = w.handler();
      if (!event || !handler) return;
      const replies = await handler(event);
      const surface = message.guildId === null ? 'dm' : 'channel';
      for (const [n, reply] of replies.entries()) {
        const payload = renderMessage(reply, surface);
        // In a server the first answer replies to the mention (without pinging its author).
        if (n === 0 && surface === 'channel') await message.reply(payload);
        else if (message.channel.isSendable()) await message.channel.send(payload);
      }
    },
  );
  listen.interaction(isProspectInteraction, async (i) => {
    const handler = w.handler();
    if (handler) await handleInteraction(i, { handler, logger: w.logger });
  });
}
