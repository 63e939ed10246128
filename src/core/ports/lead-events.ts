/** The lead lifecycle's announcements (webhooks implement them). */
import type { Handoff, TranscriptMessage } from './handoff.ts';
import type { LeadRepo } from './lead-store.ts';
import type { Lead, StageChange } from './leads.ts';

/** A change in a lead's life, as the lifecycle (src/core/lead-lifecycle.ts) announces it. */
export type LeadLifecycleEvent =
  | { kind: 'created'; lead: Lead }
  | { kind: 'stage_changed'; lead: Lead; change: StageChange }
  | { kind: 'disqualified'; lead: Lead; change: StageChange }
  /** A new owner took the lead (`at`: when, so each claim is its own event). */
  | { kind: 'claimed'; lead: Lead; ownerId: string; at: Date }
  /** The lead was erased: only its id is left to say. */
  | { kind: 'forgotten'; leadId: string }
  /** A rep started talking with the person from the alert's thread (src/core/handoff/). */
  | { kind: 'handoff_started'; lead: Lead; handoff: Handoff }
  /** A message was relayed between a rep and the person (or the bot's notice in the transcript). */
  | { kind: 'message'; lead: Lead; message: TranscriptMessage }
  /** The handoff ended (`handoff` as closed); the person is back with the flow. */
  | { kind: 'handoff_closed'; lead: Lead; handoff: Handoff };

/**
 * Where the lead lifecycle announces its changes. The lifecycle functions (createLead,
 * changeStage, assignOwner, forgetLead) call it with the transaction that makes the change, so
 * what it writes through `tx` (outbox rows) commits or rolls back with the change. Implemented
 * by the webhooks (src/core/webhooks/lead-events.ts: one outbox row per configured endpoint,
 * none without one).
 */
export interface LeadEvents {
  announce(tx: LeadRepo, event: LeadLifecycleEvent): Promise<void>;
}
