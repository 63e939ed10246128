/**
 * Ends a lead's handoff (`/leadbot close` in the alert's thread, a Close button, a manager). In
 * one transaction: the event id is recorded (a replay changes nothing), the handoff is closed
 * (the lead's next message goes to the flow again), and the bot's "closed" line is stored with
 * two deliveries — to the person (`handoff_to_prospect`) and to the thread (`handoff_to_sales`;
 * an adapter may skip rendering it when the close came from that thread) — and
 * `lead.handoff_closed` is announced. Closing what is not open says so and writes nothing else.
 */
import type { AlertRef, Clock, LeadEvents, LeadStore } from '../ports/index.ts';
import { sanitizeText } from '../text-hygiene.ts';
import { withRetries, writeLine } from './transcript-line.ts';
import { noticeLine } from './words.ts';

/** The thread's alert (a close in the thread or on the alert), or the lead directly. */
export type CloseHandoffInput = ({ alert: AlertRef; leadId?: never } | { leadId: string; alert?: never }) & {
  /** Who closed it: `<platform>:<userId>`. */
  by: string;
  byName: string | null;
  event: { platform: string; eventId: string };
};

export type CloseHandoffResult =
  | { outcome: 'closed'; leadId: string; handoffId: string }
  | { outcome: 'replayed' }
  | { outcome: 'unknown_alert' }
  /** The lead has no open handoff (never opened, or closed already). */
  | { outcome: 'not_open' };

export async function closeHandoff(
  deps: { store: LeadStore; leadEvents: LeadEvents; clock: Clock },
  input: CloseHandoffInput,
): Promise<CloseHandoffResult> {
  const byName = input.byName === null ? null : sanitizeText(input.byName) || null;
  return withRetries(() =>
    deps.store.transaction(async (tx): Promise<CloseHandoffResult> => {
      if (!(await tx.markEventProcessed(input.event.platform, input.event.eventId)))
        return { outcome: 'replayed' };
      const leadId = input.alert ? await tx.handoffs.findAlertLead(input.alert) : input.leadId;
      const lead = leadId ? await tx.getLead(leadId) : null;
      if (!lead) return { outcome: 'unknown_alert' };
      const open = await tx.handoffs.findOpen(lead.id);
      if (!open) return { outcome: 'not_open' };
      const now = deps.clock.now();
      await tx.handoffs.close(open.id, input.by, now);
      const handoff = { ...open, status: 'closed' as const, closedAt: now, closedBy: input.by };
      const t = { tx, events: deps.leadEvents, now };
      await writeLine(t, lead, handoff, {
        direction: 'notice',
        author: input.by,
        authorName: byName,
        text: noticeLine({ kind: 'closed', repName: byName }),
        toProspect: { kind: 'closed', repName: byName },
        toSales: { kind: 'closed', by: byName ?? input.by },
      });
      await t.events.announce(tx, {
        kind: 'handoff_closed',
        lead: { ...lead, openHandoffId: null },
        handoff,
      });
      return { outcome: 'closed', leadId: lead.id, handoffId: open.id };
    }),
  );
}
