/**
 * A member accepts an invitation to qualify — the consent prompt of a manager's `qualify`, or
 * an offer answering their intent signal: any opt-out they set is lifted, the conversation
 * starts in private through the engine (whose transaction records the start's event id), and
 * the lead's consent is recorded with the inviting manager (the first invitation accepted keeps
 * the credit) in one transaction. Every step is idempotent, so a replay of the acceptance (an
 * inbox retry after a crash) completes what was interrupted and changes nothing twice.
 * Only the member a prompt addresses may answer it ({@link isInvitee}).
 */
import type { CommandEvent, OutboundMessage } from '../events.ts';
import type { Clock, IdentityKey, InboundHandler, LeadStore } from '../ports/index.ts';
import type { ContactPolicy } from './contact-policy.ts';

/** What the prompt's answers say, on every platform. */
export const CONSENT_TEXT = {
  accepted: 'Accepted: continuing in a private message.',
  declined: 'No problem, we will not message you privately.',
  notYours: 'This invitation is for someone else.',
} as const;

export interface AcceptInvitationInput {
  /** The account that accepted. */
  member: IdentityKey;
  /**
   * The user id the prompt addresses, on the member's platform; absent where whoever sees the
   * prompt may use it (a Telegram deep link: the member starts the private chat themselves).
   */
  invitee?: string;
  /** The inviting manager, `<platform>:<userId>`; absent for an offer nobody sent. */
  invitedBy?: string;
  /** The `start` command that opens the private conversation where it will live (the DM). */
  start: CommandEvent;
}

export type AcceptInvitationResult =
  /** The engine's first replies (empty when this acceptance was handled before). */
  { outcome: 'accepted'; replies: OutboundMessage[] } | { outcome: 'not_invitee' };

/** True when `userId` may answer a prompt addressed to `invitee` (anyone when none is named). */
export function isInvitee(invitee: string | undefined, userId: string): boolean {
  return invitee === undefined || invitee === userId;
}

/**
 * Marks the lead behind `member` as consenting at `now` (unless it already did), crediting
 * `invitedBy` unless an earlier invitation has the credit. Nothing happens for an account that
 * is no lead.
 */
export async function recordConsent(
  store: LeadStore,
  member: IdentityKey,
  invitedBy: string | undefined,
  now: Date,
): Promise<void> {
  await store.transaction(async (tx) => {
    const identity = await tx.findIdentity(member);
    const lead = identity ? await tx.getLead(identity.leadId) : null;
    if (!lead) return;
    await tx.updateLead(lead.id, {
      consent: true,
      consentAt: lead.consent && lead.consentAt ? lead.consentAt : now,
      ...(invitedBy && !lead.invitedBy ? { invitedBy } : {}),
    });
  });
}

/**
 * Accepts the invitation for `input.member`.
 * @throws what the engine or the store throws; each step done stays done, and a retry of the
 * same acceptance finishes the rest.
 */
export async function acceptInvitation(
  deps: { store: LeadStore; clock: Clock; contactPolicy: ContactPolicy; handle: InboundHandler },
  input: AcceptInvitationInput,
): Promise<AcceptInvitationResult> {
  if (!isInvitee(input.invitee, input.member.userId)) return { outcome: 'not_invitee' };
  await deps.contactPolicy.optIn(input.member);
  const replies = await deps.handle(input.start);
  await recordConsent(deps.store, input.member, input.invitedBy, deps.clock.now());
  return { outcome: 'accepted', replies };
}
