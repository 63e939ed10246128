/**
 * Bolt listeners for the sales channel: Claim assigns the lead to the rep who clicked;
 * Not a fit asks for a reason in a modal, then disqualifies the lead (audited stage change)
 * and keeps the reason as a note. Both update the alert so the channel sees the outcome, and
 * store the verdict (`store.verdicts`, when present) for `leadbot scoring report`.
 */
import type { App } from '@slack/bolt';
import { isLeadbotError } from '../../src/core/errors.ts';
import { cleanText } from '../../src/core/flow/inputs.ts';
import { assignOwner, changeStage } from '../../src/core/lead-lifecycle.ts';
import type { Clock, LeadEvents, LeadStore, Logger, Verdict } from '../../src/core/ports/index.ts';
import { ALERT_ACTION, NOT_A_FIT_VIEW, notAFitModal, renderAlertOutcome } from './alert-blocks.ts';
import { actionEventId } from './inbound.ts';
import type { SlackBlock } from './outbound.ts';

export interface SalesWiring {
  app: App;
  store: LeadStore;
  leadEvents: LeadEvents;
  clock: Clock;
  logger: Logger;
}

// biome-ignore lint/suspicious/noExplicitAny: raw Slack bodies, read defensively.
type Body = any;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * A failed verdict: a refusal of the core (the lead was erased meanwhile) is logged and
 * dropped; anything else (the database away) propagates, so the inbox retries the click.
 */
function settle(log: Logger, leadId: string, what: string, err: unknown): void {
  log.error({ leadId, error: message(err) }, `${what} failed`);
  if (!isLeadbotError(err) || err.code === 'CONFLICT') throw err;
}

/** Registers Claim / Not a fit handling on `w.app`. */
export function registerSalesListeners(w: SalesWiring): void {
  const { app, store, clock, leadEvents } = w;
  const log = w.logger.child({ component: 'slack-sales' });

  /** Keeps the rep's verdict for `leadbot scoring report`; a failure only costs that figure. */
  async function recordVerdict(leadId: string, verdict: Verdict, actor: string, reason: string | null) {
    try {
      await store.verdicts?.record({ leadId, verdict, actor, reason, createdAt: clock.now() });
    } catch (err) {
      log.warn({ leadId, error: message(err) }, 'could not record the verdict');
    }
  }

  async function updateAlert(
    client: App['client'],
    channel: string,
    ts: string,
    blocks: SlackBlock[],
    text: string,
  ): Promise<void> {
    try {
      await client.chat.update({ channel, ts, blocks, text });
    } catch (err) {
      log.warn({ error: message(err) }, 'could not update the alert');
    }
  }

  app.action(ALERT_ACTION.claim, async ({ ack, body, client }) => {
    await ack();
    const b = body as Body;
    const leadId: string | undefined = b.actions?.[0]?.value;
    const user: string | undefined = b.user?.id;
    const channel: string | undefined = b.channel?.id ?? b.container?.channel_id;
    const ts: string | undefined = b.message?.ts;
    if (!leadId || !user || !channel || !ts) return;
    const actor = `slack:${user}`;
    const eventId = `claim:${actionEventId(b, String(b.actions?.[0]?.action_ts ?? ts))}`;
    let first: boolean;
    try {
      // Recorded with the claim: a replay of the click (after a crash) claims nothing twice.
      first = await store.transaction(async (tx) => {
        if (!(await tx.markEventProcessed('slack', eventId))) return false;
        await assignOwner(tx, leadEvents, leadId, actor, actor, clock.now());
        return true;
      });
    } catch (err) {
      return settle(log, leadId, 'claim', err);
    }
    if (first) {
      log.info({ leadId, owner: actor }, 'lead claimed');
      await recordVerdict(leadId, 'claimed', actor, null);
    }
    const blocks = renderAlertOutcome(b.message.blocks ?? [], { userId: user, claimed: true });
    await updateAlert(client, channel, ts, blocks, b.message.text ?? '');
  });

  app.action(ALERT_ACTION.notAFit, async ({ ack, body, client }) => {
    await ack();
    const b = body as Body;
    const leadId: string | undefined = b.actions?.[0]?.value;
    const channel: string | undefined = b.channel?.id ?? b.container?.channel_id;
    const ts: string | undefined = b.message?.ts;
    if (!leadId || !channel || !ts || !b.trigger_id) return;
    try {
      await client.views.open({ trigger_id: b.trigger_id, view: notAFitModal(leadId, channel, ts) as never });
    } catch (err) {
      log.warn({ leadId, error: message(err) }, 'could not open the not-a-fit modal');
    }
  });

  app.view(NOT_A_FIT_VIEW, async ({ ack, body, view, client }) => {
    // A rep's reason is shown to other reps: the same text hygiene as every inbound text.
    const reason = cleanText(String(view.state.values.reason?.reason?.value ?? ''));
    if (reason === '') {
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
    const user = body.user.id;
    const actor = `slack:${user}`;
    const { leadId, channel, ts } = meta;
    if (!leadId) return;
    const eventId = `nofit:${view.id}:${(body as Body).trigger_id ?? ''}`;
    let first: boolean;
    try {
      first = await store.transaction(async (tx) => {
        if (!(await tx.markEventProcessed('slack', eventId))) return false;
        await changeStage(tx, leadEvents, {
          leadId,
          to: 'disqualified',
          reason: `Not a fit: ${reason}`,
          actor,
          now: clock.now(),
        });
        await tx.addNote({ leadId, author: actor, text: `Not a fit: ${reason}` });
        return true;
      });
    } catch (err) {
      return settle(log, leadId, 'not-a-fit', err);
    }
    if (first) {
      log.info({ leadId, actor }, 'lead marked not a fit');
      await recordVerdict(leadId, 'rejected', actor, reason);
    }
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
    await updateAlert(
      client,
      channel,
      ts,
      renderAlertOutcome(blocks, { userId: user, claimed: false, note: reason }),
      text,
    );
  });
}
