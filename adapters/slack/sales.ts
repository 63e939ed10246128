/**
 * Claim / Not a fit on a Slack sales alert, as bolt listeners: each click or modal submission
 * becomes the input of a core use case (src/core/sales/claim-lead.ts, reject-lead.ts), and its
 * result becomes the alert's new look, so the channel sees the outcome. Not a fit asks for the
 * reason in a modal first.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { CommunityServices } from '../../src/core/community-services.ts';
import { isLeadbotError } from '../../src/core/errors.ts';
import type { Logger } from '../../src/core/ports/index.ts';
import { claimLead } from '../../src/core/sales/claim-lead.ts';
import { rejectionReason, rejectLead } from '../../src/core/sales/reject-lead.ts';
import { ALERT_ACTION, NOT_A_FIT_VIEW, notAFitModal, renderSlackAlertOutcome } from './alert-render.ts';
import { actionEventId, clickedMessage } from './inbound.ts';
import type { SlackBlock } from './outbound.ts';

export interface SlackSalesWiring {
  app: App;
  /** The store, the lead events the claim or stage change is announced to, and the clock. */
  services: Pick<CommunityServices, 'store' | 'leadEvents' | 'clock'>;
  logger: Logger;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * A use case that threw: a refusal of the core is logged and dropped; anything else (the
 * database away, a conflict) propagates, so the inbox retries the click.
 */
function settle(log: Logger, leadId: string, what: string, err: unknown): void {
  log.error({ leadId, error: message(err) }, `${what} failed`);
  if (!isLeadbotError(err) || err.code === 'CONFLICT') throw err;
}

/** Registers Claim / Not a fit handling on `w.app`. */
export function registerSlackSales(w: SlackSalesWiring): void {
  const { app } = w;
  const deps = w.services;
  const log = w.logger.child({ component: 'slack-sales' });

  async function updateAlert(channel: string, ts: string, blocks: SlackBlock[], text: string): Promise<void> {
    try {
      await app.client.chat.update({ channel, ts, blocks, text });
    } catch (err) {
      log.warn({ error: message(err) }, 'could not update the alert');
    }
  }

  app.action<BlockAction<ButtonAction>>(ALERT_ACTION.claim, async ({ ack, body }) => {
    await ack();
    const action = body.actions[0];
    const alert = clickedMessage(body);
    if (!action?.value || !alert) return;
    const leadId = action.value;
    const rep = `slack:${body.user.id}`;
    // Recorded with the claim: a replay of the click (after a crash) claims nothing twice.
    const event = { platform: 'slack', eventId: `claim:${actionEventId(body, action.action_ts)}` };
    let result: Awaited<ReturnType<typeof claimLead>>;
    try {
      result = await claimLead(deps, { leadId, rep, event });
    } catch (err) {
      return settle(log, leadId, 'claim', err);
    }
    if (result.outcome === 'not_found') return log.warn({ leadId }, 'claim of a lead that is gone');
    if (result.outcome === 'claimed') log.info({ leadId, owner: rep }, 'lead claimed');
    const blocks = renderSlackAlertOutcome(alert.blocks, { userId: body.user.id, claimed: true, leadId });
    await updateAlert(alert.channel, alert.ts, blocks, alert.text);
  });

  app.action<BlockAction<ButtonAction>>(ALERT_ACTION.notAFit, async ({ ack, body, client }) => {
    await ack();
    const leadId = body.actions[0]?.value;
    const alert = clickedMessage(body);
    if (!leadId || !alert || !body.trigger_id) return;
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: notAFitModal(leadId, alert.channel, alert.ts),
      });
    } catch (err) {
      log.warn({ leadId, error: message(err) }, 'could not open the not-a-fit modal');
    }
  });

  app.view(NOT_A_FIT_VIEW, async ({ ack, body, view, client }) => {
    const typed = String(view.state.values.reason?.reason?.value ?? '');
    // Slack shows the answer to this ack in the modal: an empty reason is refused there.
    if (rejectionReason(typed) === null) {
      await ack({ response_action: 'errors', errors: { reason: 'Please say why.' } });
      return;
    }
    await ack();
    let meta: { leadId?: string; channel?: string; ts?: string };
    try {
      meta = JSON.parse(view.private_metadata || '{}');
    } catch {
      return;
    }
    const { leadId, channel, ts } = meta;
    if (!leadId) return;
    const rep = `slack:${body.user.id}`;
    const trigger = (body as { trigger_id?: string }).trigger_id ?? '';
    const event = { platform: 'slack', eventId: `nofit:${view.id}:${trigger}` };
    let result: Awaited<ReturnType<typeof rejectLead>>;
    try {
      result = await rejectLead(deps, { leadId, rep, reason: typed, event });
    } catch (err) {
      return settle(log, leadId, 'not-a-fit', err);
    }
    if (result.outcome === 'not_found' || result.outcome === 'reason_required') return;
    if (result.outcome === 'rejected') log.info({ leadId, actor: rep }, 'lead marked not a fit');
    if (!channel || !ts) return;
    // The modal does not carry the alert, so read its current blocks back from the channel.
    let blocks: SlackBlock[] = [];
    let text = '';
    try {
      const res = await client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
      const msg = res.messages?.find((m) => m.ts === ts);
      blocks = (msg?.blocks as SlackBlock[] | undefined) ?? [];
      text = msg?.text ?? '';
    } catch (err) {
      log.warn({ error: message(err) }, 'could not read the alert back');
    }
    const outcome = { userId: body.user.id, claimed: false, note: result.reason };
    await updateAlert(channel, ts, renderSlackAlertOutcome(blocks, outcome), text);
  });
}
