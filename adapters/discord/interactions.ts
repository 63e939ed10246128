/**
 * What the adapter does with each interaction: `/qualify` and "Continue privately" open the
 * private conversation (a DM, or ephemeral replies when the person's DMs are closed), choice
 * buttons and menus answer the current question (the clicked message is updated to show the
 * answer), the "Answer" button opens a modal for a free answer where typing is impossible.
 * Every interaction is acknowledged before the engine runs, well within Discord's 3 seconds.
 */
import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  ComponentType,
  type DMChannel,
  type Interaction,
  MessageFlags,
  type ModalSubmitInteraction,
  type RepliableInteraction,
  type StringSelectMenuInteraction,
  TextInputStyle,
} from 'discord.js';
import type { InboundEvent, OutboundMessage } from '../../src/core/events.ts';
import type { InboundHandler, Logger } from '../../src/core/ports/index.ts';
import { QUALIFY_COMMAND } from './commands.ts';
import { ANSWER_INPUT_ID, decodeCustomId, encodeCustomId } from './custom-ids.ts';
import { isDmClosed, toPlatformError } from './errors.ts';
import {
  type PrivateTarget,
  parseCommand,
  parseComponent,
  parseContinuePrivately,
  parseModal,
  surfaceOf,
} from './inbound.ts';
import {
  type DiscordPayload,
  renderAnswered,
  renderMessage,
  renderNotice,
  type Surface,
  UI_TEXT,
} from './outbound.ts';

export interface InteractionContext {
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
  await i.showModal({
    custom_id: encodeCustomId({ kind: 'modal', stepId }),
    title: UI_TEXT.answerModalTitle,
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: ANSWER_INPUT_ID,
            label: UI_TEXT.answer,
            style: TextInputStyle.Paragraph,
            required: true,
            max_length: 4000,
          },
        ],
      },
    ],
  });
}

async function answerModal(i: ModalSubmitInteraction, ctx: InteractionContext): Promise<void> {
  const event = parseModal(i);
  if (!event) return void (await i.deferUpdate());
  if (i.isFromMessage()) await i.update(renderAnswered(i.message.content, [event.text]));
  else await i.deferReply({ flags: MessageFlags.Ephemeral });
  await followUps(i, await ctx.handler(event), surfaceOf(i));
}

/** Routes one interaction; interactions that are not leadbot's are ignored. */
export async function handleInteraction(i: Interaction, ctx: InteractionContext): Promise<void> {
  if (i.isChatInputCommand()) {
    if (i.commandName !== QUALIFY_COMMAND.name) return;
    return startPrivately(i, (target) => parseCommand(i, target), ctx);
  }
  if (i.isModalSubmit()) return answerModal(i, ctx);
  if (!i.isButton() && !i.isStringSelectMenu()) return;
  const id = decodeCustomId(i.customId);
  if (id === null) return;
  if (id.kind === 'private' && i.isButton()) {
    return startPrivately(i, (target) => parseContinuePrivately(i, target), ctx);
  }
  if (id.kind === 'answer' && i.isButton()) return openAnswerModal(i, id.stepId);
  return answerChoice(i, ctx);
}

/**
 * Tells the person something went wrong, without details (those go to the log). Best effort:
 * the interaction may already be answered or expired.
 */
export async function reportFailure(i: Interaction, logger: Logger): Promise<void> {
  if (!i.isRepliable()) return;
  const payload: DiscordPayload = renderNotice(
    'Sorry, something went wrong on our side. Please try again in a moment.',
    i.guildId === null ? 'dm' : 'ephemeral',
  );
  try {
    if (i.deferred || i.replied) await i.followUp(payload);
    else await i.reply(payload);
  } catch (err) {
    logger.debug({ err: toPlatformError(err, 'report a failure').message }, 'could not report the failure');
  }
}
