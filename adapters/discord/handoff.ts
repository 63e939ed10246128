/**
 * The rep's side of the handoff on Discord: a message in the thread of a sales alert (a thread
 * of DISCORD_SALES_CHANNEL_ID; Discord gives a thread started on a message that message's id,
 * so the thread's id is the alert's reference) is relayed to the lead, and `/leadbot close` in
 * that thread ends the conversation, through the core's use cases as every adapter binds them
 * (adapters/shared/handoff.ts). The Close button on a claimed alert is handled with Claim in sales.ts.
 *
 * A relayed reply gets a ✅ reaction (stored and queued for the prospect's DM); a reply that was
 * not relayed gets a short answer in the thread saying why (a message cannot be answered to its
 * author alone). Without the Message Content intent Discord sends a reply's text only when it
 * mentions the bot, so a content-less reply is answered with how to send it.
 */
import {
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
  MessageFlags,
  MessageType,
} from 'discord.js';
import type { Logger } from '../../src/core/ports/index.ts';
import type { HandoffActions } from '../shared/handoff.ts';
import { stripBotMention } from './inbound.ts';
import type { DiscordListeners } from './listen.ts';
import { NO_MENTIONS } from './outbound.ts';

export interface DiscordHandoffWiring {
  /** The core's handoff use cases bound to the adapter's services and HANDOFF_REPLIERS. */
  actions: HandoffActions;
  salesChannelId: string;
  botUserId: () => string;
  /** Whether the bot asked for the Message Content intent (thread replies carry text then). */
  messageContent: boolean;
  logger: Logger;
}

/** The reaction on a reply stored for the prospect. */
export const RELAYED = '✅';

export const HANDOFF_TEXT = {
  notClaimed: 'Not sent: claim the lead first (Claim on the alert above).',
  ownedBy: (owner: string) => `Not sent: this lead is ${owner}'s. Ask them, or a manager to reassign it.`,
  unreachable: 'Not sent: this lead has no private chat the bot can write to.',
  noContent:
    'Not sent: I cannot read replies here without the Message Content intent. Start the reply with @leadbot, ' +
    'or ask an admin to set DISCORD_MESSAGE_CONTENT=true.',
  closed: 'Conversation closed; the lead was told.',
  notOpen: 'There is no open conversation with this lead.',
  unknown: 'This thread belongs to no sales alert.',
} as const;

/** True for a message in a thread of the sales channel (where alerts and their threads are). */
export function isSalesThreadMessage(m: Pick<Message, 'channel'>, salesChannelId: string): boolean {
  return m.channel.isThread() && m.channel.parentId === salesChannelId;
}

/** A Discord owner key (`discord:<id>`) as a mention that pings nobody (NO_MENTIONS is sent). */
const ownerName = (owner: string) => (owner.startsWith('discord:') ? `<@${owner.slice(8)}>` : owner);

async function onThreadReply(m: Message, w: DiscordHandoffWiring): Promise<void> {
  const botId = w.botUserId();
  const text = stripBotMention(m.content, botId);
  const answer = (content: string) => m.reply({ content, allowedMentions: NO_MENTIONS });
  if (text === '' && m.content === '' && !w.messageContent && m.attachments.size === 0) {
    await answer(HANDOFF_TEXT.noContent);
    return;
  }
  const result = await w.actions.relay({
    alert: { sink: 'discord', externalRef: m.channelId },
    rep: `discord:${m.author.id}`,
    repName: m.member?.displayName ?? m.author.globalName ?? m.author.username,
    text,
    event: { platform: 'discord', eventId: m.id },
  });
  w.logger.debug({ threadId: m.channelId, outcome: result.outcome }, 'rep reply in an alert thread');
  switch (result.outcome) {
    case 'relayed':
      await m.react(RELAYED);
      return;
    case 'not_claimed':
      await answer(
        result.ownerId ? HANDOFF_TEXT.ownedBy(ownerName(result.ownerId)) : HANDOFF_TEXT.notClaimed,
      );
      return;
    case 'unreachable':
      await answer(HANDOFF_TEXT.unreachable);
      return;
    // A thread that is no alert's, a replay, nothing visible: nothing to say.
    default:
      return;
  }
}

const isCloseCommand = (i: Interaction): i is ChatInputCommandInteraction =>
  i.isChatInputCommand() && i.commandName === 'leadbot' && i.options.getSubcommand(false) === 'close';

/** `/leadbot close`: ends the handoff of the alert whose thread it was typed in. */
async function onClose(i: ChatInputCommandInteraction, w: DiscordHandoffWiring): Promise<void> {
  const reply = (content: string) =>
    i.editReply({ content, allowedMentions: NO_MENTIONS }).then(() => undefined);
  await i.deferReply({ flags: MessageFlags.Ephemeral }); // 3-second deadline, then the transaction
  if (!(i.channel?.isThread() && i.channel.parentId === w.salesChannelId))
    return reply('Use /leadbot close in the thread of a sales alert.');
  const result = await w.actions.close({
    alert: { sink: 'discord', externalRef: i.channelId },
    rep: `discord:${i.user.id}`,
    repName:
      (i.member && 'displayName' in i.member ? i.member.displayName : null) ??
      i.user.globalName ??
      i.user.username,
    event: { platform: 'discord', eventId: `close:${i.id}` },
  });
  if (result.outcome === 'closed') return reply(HANDOFF_TEXT.closed);
  if (result.outcome === 'not_open') return reply(HANDOFF_TEXT.notOpen);
  if (result.outcome === 'unknown_alert') return reply(HANDOFF_TEXT.unknown);
}

/** Registers thread replies and `/leadbot close` (before the prospect and manager listeners). */
export function registerDiscordHandoff(listen: DiscordListeners, w: DiscordHandoffWiring): void {
  listen.message(
    (m) =>
      isSalesThreadMessage(m, w.salesChannelId) &&
      !m.author.bot &&
      !m.webhookId &&
      !m.system &&
      (m.type === MessageType.Default || m.type === MessageType.Reply),
    (m) => onThreadReply(m, w),
  );
  listen.interaction(isCloseCommand, (i) => onClose(i, w));
}
