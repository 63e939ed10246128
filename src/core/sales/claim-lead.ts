/**
 * Claim: a sales rep takes a lead from its alert. In one transaction the lead's owner becomes
 * the rep (with a note saying so), the verdict `claimed` is kept for `leadbot scoring report`,
 * and the click's own event id is recorded — so a replay of the click (an inbox retry, a gateway
 * replay) changes nothing a second time. Adapters parse the click into {@link ClaimLeadInput}
 * and render the {@link ClaimLeadResult} on the alert.
 */
import { isLeadbotError } from '../errors.ts';
import { assignOwner } from '../lead-lifecycle.ts';
import type { Clock, Lead, LeadEvents, LeadStore } from '../ports/index.ts';

export interface ClaimLeadInput {
  leadId: string;
  /** The rep, named as owners are: `<platform>:<userId>`. */
  rep: string;
  /** The click as its platform identifies it (`claim:<id>` on `slack`, …). */
  event: { platform: string; eventId: string };
}

export type ClaimLeadResult =
  | { outcome: 'claimed'; lead: Lead }
  /** This very click was handled before: nothing changed now; show the outcome again. */
  | { outcome: 'replayed' }
  /** The lead was erased meanwhile: nothing to claim. */
  | { outcome: 'not_found' };

/**
 * Claims the lead for the rep.
 * @throws whatever the store throws besides a missing lead (the database away, a conflict):
 * nothing was written, and the caller may retry the same click.
 */
export async function claimLead(
  deps: { store: LeadStore; leadEvents: LeadEvents; clock: Clock },
  input: ClaimLeadInput,
): Promise<ClaimLeadResult> {
  try {
    return await deps.store.transaction(async (tx): Promise<ClaimLeadResult> => {
      if (!(await tx.markEventProcessed(input.event.platform, input.event.eventId)))
        return { outcome: 'replayed' };
      const now = deps.clock.now();
      const lead = await assignOwner(tx, deps.leadEvents, input.leadId, input.rep, input.rep, now);
      await tx.verdicts.record({
        leadId: lead.id,
        verdict: 'claimed',
        actor: input.rep,
        reason: null,
        createdAt: now,
      });
      return { outcome: 'claimed', lead };
    });
  } catch (err) {
    if (isLeadbotError(err, 'NOT_FOUND')) return { outcome: 'not_found' };
    throw err;
  }
}
