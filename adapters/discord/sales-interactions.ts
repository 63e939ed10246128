/**
 * Claim / Not a fit on a Discord sales alert, mirroring the Slack listeners
 * (adapters/slack/sales-listeners.ts): Claim assigns the lead to the member who clicked; Not
 * a fit asks for a reason in a modal, then disqualifies the lead (audited stage change) and
 * keeps the reason as a note. Both edit the alert so the channel sees the outcome, and store
 * the verdict (`store.verdicts`, when present) for `leadbot scoring report`.
 */
import {
  type ButtonInteraction,
  type Interaction,
  MessageFlags,
  type ModalSubmitInteraction,
} from 'discord.js';
import { cleanText } from '../../src/core/flow/inputs.ts';
import { assignOwner, changeStage } from '../../src/core/lead-lifecycle.ts';
import type { Clock, LeadEvents, LeadStore, Logger, Verdict } from '../../src/core/ports/index.ts';
import { ALERT_IDS, notAFitModal, renderDiscordOutcome } from './alert-render.ts';
import { NO_MENTIONS } from './outbound.ts';

export interface DiscordSalesWiring {
  store: LeadStore;
  leadEvents: LeadEvents;
  clock: Clock;
  logger: Logger;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const PREFIX = 'lb:alert:';

/** True for the alert's buttons and its modal. */
export function isAlertInteraction(i: Interaction): i is ButtonInteraction | ModalSubmitInteraction {
  return (i.isButton() || i.isModalSubmit()) && i.customId.startsWith(PREFIX);
}

/** Handles a click on an alert button or the submitted Not a fit modal. */
export async function handleAlertInteraction(
  i: ButtonInteraction | ModalSubmitInteraction,
  w: DiscordSalesWiring,
): Promise<void> {
  const log = w.logger.child({ component: 'discord-sales' });
  const actor = `discord:${i.user.id}`;

  async function recordVerdict(leadId: string, verdict: Verdict, reason: string | null) {
    try {
      await w.store.verdicts?.record({ leadId, verdict, actor, reason, createdAt: w.clock.now() });
    } catch (err) {
      log.warn({ leadId, error: message(err) }, 'could not record the verdict');
    }
  }

  const sorry = (text: string) =>
    i.reply({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });

  if (i.isButton() && i.customId.startsWith(ALERT_IDS.claim)) {
    const leadId = i.customId.slice(ALERT_IDS.claim.length);
    try {
      await w.store.transaction((tx) => assignOwner(tx, w.leadEvents, leadId, actor, actor, w.clock.now()));
    } catch (err) {
      log.error({ leadId, error: message(err) }, 'claim failed');
      return void (await sorry('Could not claim this lead; see the bot log.'));
    }
    log.info({ leadId, owner: actor }, 'lead claimed');
    await recordVerdict(leadId, 'claimed', null);
    const embeds = renderDiscordOutcome(
      i.message.embeds.map((e) => e.toJSON()),
      { userId: i.user.id, claimed: true },
    );
    await i.update({ embeds, components: [], allowedMentions: NO_MENTIONS });
    return;
  }

  if (i.isButton() && i.customId.startsWith(ALERT_IDS.notAFit)) {
    await i.showModal(notAFitModal(i.customId.slice(ALERT_IDS.notAFit.length)));
    return;
  }

  if (i.isModalSubmit() && i.customId.startsWith(ALERT_IDS.modal)) {
    const leadId = i.customId.slice(ALERT_IDS.modal.length);
    // A rep's reason is shown to other reps: the same text hygiene as every inbound text.
    const reason = cleanText(i.fields.getTextInputValue(ALERT_IDS.reasonInput));
    if (reason === '') return void (await sorry('Please say why this lead is not a fit.'));
    try {
      await w.store.transaction(async (tx) => {
        await changeStage(tx, w.leadEvents, {
          leadId,
          to: 'disqualified',
          reason: `Not a fit: ${reason}`,
          actor,
          now: w.clock.now(),
        });
        await tx.addNote({ leadId, author: actor, text: `Not a fit: ${reason}` });
      });
    } catch (err) {
      log.error({ leadId, error: message(err) }, 'not-a-fit failed');
      return void (await sorry('Could not mark this lead as not a fit; see the bot log.'));
    }
    log.info({ leadId, actor }, 'lead marked not a fit');
    await recordVerdict(leadId, 'rejected', reason);
    if (i.isFromMessage()) {
      const embeds = renderDiscordOutcome(
        i.message.embeds.map((e) => e.toJSON()),
        { userId: i.user.id, claimed: false, note: reason },
      );
      await i.update({ embeds, components: [], allowedMentions: NO_MENTIONS });
    } else {
      await sorry('Marked as not a fit.');
    }
  }
}
