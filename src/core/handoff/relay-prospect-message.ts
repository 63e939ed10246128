/**
 * The person's message while a rep talks with them: it goes to the alert's thread instead of
 * the flow. Called by the engine (src/core/engine.ts) inside the event's unit of work when the
 * lead it loaded has an open handoff (`Lead.openHandoffId`, read with the lead, so the common
 * case costs nothing): the text (or the label of a pressed button) becomes a `from_prospect`
 * transcript line with its `handoff_to_sales` row, and `lead.message` is announced. The flow
 * stays where it was and resumes once the handoff is closed.
 */
import type { ChoiceEvent, ChoiceOption, MessageEvent } from '../events.ts';
import type { IdentityKey, Lead, LeadEvents, LeadRepo } from '../ports/index.ts';
import { writeLine } from './transcript-line.ts';

export type RelayProspectOutcome =
  | 'relayed'
  /** Nothing visible was sent: nothing relayed, and nothing for the flow either. */
  | 'empty'
  /** The lead's handoff is no longer open (closed meanwhile): the flow handles the message. */
  | 'no_handoff';

/** The words the person sent: the message, or the labels of the options they pressed. */
export function prospectText(e: MessageEvent | ChoiceEvent, options?: ChoiceOption[]): string {
  if (e.kind === 'message') return e.text;
  return e.values.map((v) => options?.find((o) => o.value === v)?.label ?? v).join(', ');
}

/** Relays the person's words (already through the engine's text hygiene) to the alert's thread. */
export async function relayProspectMessage(
  t: { tx: LeadRepo; events: LeadEvents; now: Date },
  lead: Lead,
  from: IdentityKey,
  text: string,
): Promise<RelayProspectOutcome> {
  const handoff = await t.tx.handoffs.findOpen(lead.id);
  if (!handoff) return 'no_handoff';
  if (text.trim() === '') return 'empty';
  const account = await t.tx.findIdentity(from);
  const name = account?.displayName ?? account?.username ?? lead.name ?? 'The prospect';
  await writeLine(t, lead, handoff, {
    direction: 'from_prospect',
    author: `${from.platform}:${from.userId}`,
    authorName: name,
    text,
    toSales: { kind: 'prospect', name, text },
  });
  return 'relayed';
}
