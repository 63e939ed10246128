/** The lead lifecycle's announcements (webhooks implement them). */
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
  | { kind: 'forgotten'; leadId: string };

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
