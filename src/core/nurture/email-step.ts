/**
 * The email leg of the schedule runner: sends one due follow-up by email, under the same rules
 * as chat (consent, opt-out, quiet hours, contact limit) and at most twice even across crashes.
 *
 * Exactly once in the normal path: the row is leased, the `Message-ID` is derived from its id,
 * and it is marked sent right after the SMTP server accepted it. Before the send the row is
 * noted `email_in_flight`; a runner that claims a row still noted so (the previous one died
 * between send and mark) may not know whether it went out, so it sends once more — noted
 * `email_resend` — and never a third time.
 */

import { backoffDelay, DEFAULT_BACKOFF } from '../outbox/backoff.ts';
import type { EmailSender, Lead, ScheduledMessage, ScheduleStore } from '../ports/index.ts';
import { EmailRefusedError } from './email-errors.ts';
import type { FollowUpPolicy } from './policy.ts';

export const IN_FLIGHT = 'email_in_flight';
export const RESEND = 'email_resend';
/** Outcome prefix of a refusal that ends the lead's email follow-ups. */
export const INVALID_ADDRESS = 'invalid_address';

/** The email as the flow words it, variables filled in. */
export interface EmailContent {
  subject: string;
  body: string;
  link: string | null;
}

export interface EmailRoute {
  /** null when SMTP is not configured: email follow-ups are skipped as `no_smtp`. */
  sender: EmailSender | null;
  /** The lead's signed unsubscribe link. */
  unsubscribeUrl(leadId: string): string;
}

export type EmailOutcome =
  | { status: 'sent'; via: 'email' }
  | { status: 'skipped' | 'cancelled'; outcome: string }
  | { status: 'postponed'; outcome: string; dueAt: Date };

export interface EmailStepDeps {
  schedules: ScheduleStore;
  policy: FollowUpPolicy;
  route: EmailRoute;
  workerId: string;
  maxAttempts: number;
}

/** Sends `content` to the lead by email now, or says why not / when to try again. */
export async function sendByEmail(
  d: EmailStepDeps,
  row: ScheduledMessage,
  lead: Lead,
  content: EmailContent,
  key: Parameters<FollowUpPolicy['check']>[0]['key'],
  now: Date,
): Promise<EmailOutcome> {
  const skip = (outcome: string): EmailOutcome => ({ status: 'skipped', outcome });
  if (!d.route.sender) return skip('no_smtp');
  if (!lead.email) return skip('no_email');
  if (!lead.consent) return skip('no_consent');
  const earlier = await d.schedules.listForLead(lead.id);
  if (earlier.some((r) => r.outcome?.startsWith(INVALID_ADDRESS))) return skip(INVALID_ADDRESS);

  const decision = await d.policy.check({ key, kind: row.kind, now, via: 'email' });
  if (!decision.ok) {
    if (decision.reason === 'opted_out') {
      await d.schedules.cancelPending(lead.id, 'opted_out', now);
      return { status: 'cancelled', outcome: 'opted_out' };
    }
    if (decision.retryAt) return { status: 'postponed', outcome: decision.reason, dueAt: decision.retryAt };
    return skip(decision.reason);
  }

  // A crash between an earlier send and its mark left the note: one resend, never a second.
  if (row.outcome === RESEND) return skip('unconfirmed');
  await d.schedules.note(row.id, d.workerId, row.outcome === IN_FLIGHT ? RESEND : IN_FLIGHT);
  try {
    await d.route.sender.send({
      id: row.id,
      to: lead.email,
      subject: content.subject,
      body: content.body,
      link: content.link,
      unsubscribeUrl: d.route.unsubscribeUrl(lead.id),
    });
  } catch (err) {
    const refused = err instanceof EmailRefusedError ? err : null;
    const reason = refused?.reason ?? 'network';
    if (refused?.permanent) {
      if (!refused.invalidAddress) return skip(`bounced:${reason}`);
      // The address cannot be used: no further email to this lead (chat follow-ups go on).
      await d.schedules.cancelPending(lead.id, INVALID_ADDRESS, now, undefined, ['email']);
      return skip(`${INVALID_ADDRESS}:${reason}`);
    }
    if (row.attempts >= d.maxAttempts) return skip('send_failed');
    const dueAt = new Date(now.getTime() + backoffDelay(row.attempts, DEFAULT_BACKOFF));
    return { status: 'postponed', outcome: `smtp_retry:${reason}`, dueAt };
  }
  await d.policy.record({
    persons: decision.persons,
    kind: row.kind,
    platform: 'email',
    channelId: 'email',
    at: now,
  });
  return { status: 'sent', via: 'email' };
}
