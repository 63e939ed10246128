/**
 * Claim / Not a fit on a Discord sales alert: each click or modal submission becomes the input
 * of a core use case (src/core/sales/claim-lead.ts, reject-lead.ts), recorded with the
 * interaction id so a replay changes nothing twice, and its result becomes the alert's new
 * look, so the channel sees the outcome. Not a fit asks for the reason in a modal first.
 */
import {
  type ButtonInteraction,
  type Interaction,
  MessageFlags,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { CommunityServices } from '../../src/core/community-services.ts';
import { closeHandoff } from '../../src/core/handoff/close-handoff.ts';
import type { Logger } from '../../src/core/ports/index.ts';
import { claimLead } from '../../src/core/sales/claim-lead.ts';
import { rejectLead } from '../../src/core/sales/reject-lead.ts';
import { ALERT_IDS, handoffButtons, notAFitModal, renderDiscordAlertOutcome } from './alert-render.ts';
import type { DiscordListeners } from './listen.ts';
import { NO_MENTIONS } from './outbound.ts';

export interface DiscordSalesWiring {
  /** The store, the lead events the claim or stage change is announced to, and the clock. */
  services: Pick<CommunityServices, 'store' | 'leadEvents' | 'clock'>;
  logger: Logger;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const PREFIX = 'lb:alert:';

/** True for the alert's buttons and its modal. */
export function isAlertInteraction(i: Interaction): i is ButtonInteraction | ModalSubmitInteraction {
  return (i.isButton() || i.isModalSubmit()) && i.customId.startsWith(PREFIX);
}

/** Handles a click on an alert button or the submitted Not a fit modal. */
async function handleAlertInteraction(
  i: ButtonInteraction | ModalSubmitInteraction,
  w: DiscordSalesWiring,
): Promise<void> {
  const log = w.logger.child({ component: 'discord-sales' });
  const rep = `discord:${i.user.id}`;
  const deps = w.services;
  const event = { platform: 'discord', eventId: `alert:${i.id}` };
  // After the acknowledgement, a problem is told to the clicker alone in a follow-up.
  const sorry = (text: string) =>
    i.followUp({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  // Discord invalidates the interaction unless it is acknowledged within 3 seconds; the
  // transaction may take longer (a busy database), so the alert is acknowledged first (a
  // deferred update: no visible change) and edited with the outcome afterwards.
  const acknowledge = () =>
    i.isModalSubmit() && !i.isFromMessage()
      ? i.deferReply({ flags: MessageFlags.Ephemeral })
      : i.deferUpdate();

  if (i.isButton() && i.customId.startsWith(ALERT_IDS.claim)) {
    const leadId = i.customId.slice(ALERT_IDS.claim.length);
    await acknowledge();
    let result: Awaited<ReturnType<typeof claimLead>>;
    try {
      result = await claimLead(deps, { leadId, rep, event });
    } catch (err) {
      log.error({ leadId, error: message(err) }, 'claim failed');
      return void (await sorry('Could not claim this lead; see the bot log.'));
    }
    if (result.outcome === 'not_found')
      return void (await sorry('Could not claim this lead; see the bot log.'));
    if (result.outcome === 'claimed') log.info({ leadId, owner: rep }, 'lead claimed');
    const embeds = renderDiscordAlertOutcome(
      i.message.embeds.map((e) => e.toJSON()),
      { userId: i.user.id, claimed: true },
    );
    // Claimed: the rep talks with the lead in the alert's thread and closes it here.
    await i.editReply({ embeds, components: handoffButtons(leadId), allowedMentions: NO_MENTIONS });
    return;
  }

  if (i.isButton() && i.customId.startsWith(ALERT_IDS.close)) {
    const leadId = i.customId.slice(ALERT_IDS.close.length);
    await acknowledge();
    const result = await closeHandoff(deps, {
      leadId,
      by: rep,
      byName: i.user.globalName ?? i.user.username,
      event: { platform: 'discord', eventId: `close:${i.id}` },
    });
    if (result.outcome === 'closed') log.info({ leadId, actor: rep }, 'handoff closed');
    // The thread says it publicly (the closed line); the clicker alone hears when nothing was open.
    if (result.outcome === 'not_open') await sorry('There is no open conversation with this lead.');
    return;
  }

  if (i.isButton() && i.customId.startsWith(ALERT_IDS.notAFit)) {
    await i.showModal(notAFitModal(i.customId.slice(ALERT_IDS.notAFit.length)));
    return;
  }

  if (i.isModalSubmit() && i.customId.startsWith(ALERT_IDS.modal)) {
    const leadId = i.customId.slice(ALERT_IDS.modal.length);
    const reason = i.fields.getTextInputValue(ALERT_IDS.reasonInput);
    await acknowledge();
    let result: Awaited<ReturnType<typeof rejectLead>>;
    try {
      result = await rejectLead(deps, { leadId, rep, reason, event });
    } catch (err) {
      log.error({ leadId, error: message(err) }, 'not-a-fit failed');
      return void (await sorry('Could not mark this lead as not a fit; see the bot log.'));
    }
    if (result.outcome === 'reason_required')
      return void (await sorry('Please say why this lead is not a fit.'));
    if (result.outcome === 'not_found')
      return void (await sorry('Could not mark this lead as not a fit; see the bot log.'));
    if (result.outcome === 'rejected') log.info({ leadId, actor: rep }, 'lead marked not a fit');
    if (i.isFromMessage()) {
      const embeds = renderDiscordAlertOutcome(
        i.message.embeds.map((e) => e.toJSON()),
        { userId: i.user.id, claimed: false, note: result.reason },
      );
      await i.editReply({ embeds, components: [], allowedMentions: NO_MENTIONS });
    } else {
      await i.editReply({ content: 'Marked as not a fit.', allowedMentions: NO_MENTIONS });
    }
  }
}

/** Registers Claim / Not a fit on the alert's buttons and modal. */
export function registerDiscordSales(listen: DiscordListeners, w: DiscordSalesWiring): void {
  listen.interaction(isAlertInteraction, (i) => handleAlertInteraction(i, w));
}
