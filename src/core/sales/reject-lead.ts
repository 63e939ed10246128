/**
 * Not a fit: a sales rep turns a lead down from its alert, with a reason. In one transaction the
 * lead moves to `disqualified` (the audited stage change, `Not a fit: <reason>`), the reason is
 * kept as a note, the verdict `rejected` is kept for `leadbot scoring report`, and the
 * submission's event id is recorded — so a replay changes nothing a second time. Adapters parse
 * the submitted reason into {@link RejectLeadInput} and render the {@link RejectLeadResult}.
 */
import { isLeadbotError } from '../errors.ts';
import { cleanText } from '../flow/inputs.ts';
import { changeStage } from '../lead-lifecycle.ts';
import type { Clock, Lead, LeadEvents, LeadStore } from '../ports/index.ts';

export interface RejectLeadInput {
  leadId: string;
  /** The rep, named as actors are: `<platform>:<userId>`. */
  rep: string;
  /** The reason as typed; other reps read it, so it gets the text hygiene of every inbound text. */
  reason: string;
  /** The submission as its platform identifies it (`nofit:<id>` on `slack`, …). */
  event: { platform: string; eventId: string };
}

export type RejectLeadResult =
  | { outcome: 'rejected'; lead: Lead; reason: string }
  /** Nothing visible was typed: ask again (nothing was written). */
  | { outcome: 'reason_required' }
  /** This very submission was handled before: nothing changed now. */
  | { outcome: 'replayed'; reason: string }
  /** The lead was erased meanwhile. */
  | { outcome: 'not_found' };

/**
 * The reason a rep typed, cleaned like every inbound text; null when nothing visible is left.
 * Adapters that must answer a form before the work (Slack's modal ack) ask this first.
 */
export function rejectionReason(typed: string): string | null {
  const reason = cleanText(typed);
  return reason === '' ? null : reason;
}

/**
 * Disqualifies the lead with the rep's reason.
 * @throws whatever the store throws besides a missing lead: nothing was written then.
 */
export async function rejectLead(
  deps: { store: LeadStore; leadEvents: LeadEvents; clock: Clock },
  input: RejectLeadInput,
): Promise<RejectLeadResult> {
  const reason = rejectionReason(input.reason);
  if (reason === null) return { outcome: 'reason_required' };
  try {
    return await deps.store.transaction(async (tx): Promise<RejectLeadResult> => {
      if (!(await tx.markEventProcessed(input.event.platform, input.event.eventId)))
        return { outcome: 'replayed', reason };
      const now = deps.clock.now();
      const text = `Not a fit: ${reason}`;
      const { lead } = await changeStage(tx, deps.leadEvents, {
        leadId: input.leadId,
        to: 'disqualified',
        reason: text,
        actor: input.rep,
        now,
      });
      await tx.addNote({ leadId: lead.id, author: input.rep, text });
      await tx.verdicts.record({
        leadId: lead.id,
        verdict: 'rejected',
        actor: input.rep,
        reason,
        createdAt: now,
      });
      return { outcome: 'rejected', lead, reason };
    });
  } catch (err) {
    if (isLeadbotError(err, 'NOT_FOUND')) return { outcome: 'not_found' };
    throw err;
  }
}
