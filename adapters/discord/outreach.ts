/**
 * Invitations and intent offers on Discord: Accept / No thanks under a consent prompt (only the
 * member it names may use them; the DM opens only when they accept), and public messages read
 * for intent signals (only possible with the Message Content intent), answered with an offer
 * that replies to the message. The rules are the core's use cases
 * (src/core/outreach/accept-invitation.ts, offer-on-intent.ts); this file reads the
 * interactions and messages and posts what they decide.
 */
import { type ButtonInteraction, type Interaction, type Message, MessageFlags } from 'discord.js';
import type { CommunityServices } from '../../src/core/community-services.ts';
import { acceptInvitation, CONSENT_TEXT, isInvitee } from '../../src/core/outreach/accept-invitation.ts';
import { offerOnIntent } from '../../src/core/outreach/offer-on-intent.ts';
import type { InboundHandler, Logger } from '../../src/core/ports/index.ts';
import { clip } from '../../src/core/text-fit.ts';
import { decodeCustomId } from './custom-ids.ts';
import { isDmClosed } from './errors.ts';
import { parseMessage, serverPlace } from './inbound.ts';
import type { DiscordListeners } from './listen.ts';
import { discordMemberKey } from './managers.ts';
import { escapeText, LIMITS, NO_MENTIONS, renderConsentPrompt, renderMessage } from './outbound.ts';

export interface DiscordOutreachWiring {
  /** Null without a store: consent buttons are then only acknowledged. */
  services: CommunityServices | null;
  /** The core's handler, set by `adapter.start`. */
  handler: () => InboundHandler | null;
  /** Whether the Message Content intent was requested (public messages are readable). */
  messageContent: boolean;
  botUserId: () => string;
  /** Messages that are no intent signal whatever they say (a rep's reply in an alert's thread). */
  ignore?: (m: Message) => boolean;
  logger: Logger;
}

const isConsentClick = (i: Interaction): i is ButtonInteraction =>
  i.isButton() && decodeCustomId(i.customId)?.kind === 'consent';

/** Accept / No thanks on a consent prompt. */
async function answerPrompt(i: ButtonInteraction, w: DiscordOutreachWiring): Promise<void> {
  const id = decodeCustomId(i.customId);
  const services = w.services;
  if (id?.kind !== 'consent' || !services) return void (await i.deferUpdate());
  if (!isInvitee(id.userId, i.user.id)) {
    await i.reply({ content: escapeText(CONSENT_TEXT.notYours), flags: MessageFlags.Ephemeral });
    return;
  }
  const note = escapeText(id.accept ? CONSENT_TEXT.accepted : CONSENT_TEXT.declined);
  // The buttons go away at once, so the prompt cannot be answered twice.
  await i.update({
    content: clip(`${i.message.content}\n\n${note}`, LIMITS.content),
    components: [],
    allowedMentions: NO_MENTIONS,
  });
  const handle = w.handler();
  if (!id.accept || !handle) return;
  const dm = await i.user.createDM();
  const cameFrom = serverPlace(i);
  const result = await acceptInvitation(
    { ...services, handle },
    {
      member: discordMemberKey(i.user.id),
      invitee: id.userId,
      ...(id.invitedBy ? { invitedBy: `discord:${id.invitedBy}` } : {}),
      start: {
        kind: 'command',
        name: 'start',
        args: [],
        platform: 'discord',
        workspaceId: '',
        channelId: dm.id,
        userId: i.user.id,
        username: i.user.username,
        isDirect: true,
        eventId: `consent:${i.id}`,
        ...(cameFrom ? { cameFrom } : {}),
      },
    },
  );
  if (result.outcome !== 'accepted') return;
  try {
    for (const r of result.replies) await dm.send(renderMessage(r, 'dm'));
  } catch (err) {
    if (!isDmClosed(err)) throw err;
    w.logger.info({ userId: i.user.id }, 'DMs closed (50007): consent flow continues in ephemeral replies');
    for (const r of result.replies) await i.followUp(renderMessage(r, 'ephemeral'));
  }
}

/** Registers the consent buttons and, with Message Content, intent offers. */
export function registerDiscordOutreach(listen: DiscordListeners, w: DiscordOutreachWiring): void {
  listen.interaction(isConsentClick, (i) => answerPrompt(i, w));
  const services = w.services;
  if (!services || !w.messageContent) return;
  // A server message not addressed to the bot (those are the prospect's) from a person.
  const isPublicChatter = (m: Message) =>
    m.guildId !== null &&
    !w.ignore?.(m) &&
    !m.author.bot &&
    !m.webhookId &&
    !m.system &&
    parseMessage(m, { botUserId: w.botUserId() }) === null;
  listen.message(isPublicChatter, async (message) => {
    const result = await offerOnIntent(services, {
      member: discordMemberKey(message.author.id),
      channelId: message.channelId,
      text: message.content,
      eventId: message.id,
    });
    w.logger.debug(
      { channelId: message.channelId, offered: result.outcome === 'offer' },
      'intent considered',
    );
    if (result.outcome !== 'offer') return;
    const { content, components, flags } = renderConsentPrompt(message.author.id, result.text);
    // A reply shows which message it answers; no ping (the person is writing right now).
    await message.reply({ content, components, flags, allowedMentions: NO_MENTIONS });
  });
}
