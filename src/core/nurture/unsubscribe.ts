/**
 * Leaving the email follow-ups in one click: the signed link every email carries, and the use
 * case the link runs. The opt-out it records is the one `stop` in chat sets (`lead:<id>`), so
 * either way out ends both channels.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock, OutreachStore, ScheduleStore } from '../ports/index.ts';

/** What a token may look like before any work is done on it: `<leadId>.<43 base64url chars>`. */
const TOKEN = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{43})$/;

const sign = (secret: string, leadId: string) =>
  createHmac('sha256', secret).update(`leadbot-unsubscribe:${leadId}`).digest('base64url');

/**
 * The token of a lead's unsubscribe link: the lead id and an HMAC over it. It does not expire:
 * an unsubscribe link must keep working for as long as the email may be read.
 */
export function unsubscribeToken(secret: string, leadId: string): string {
  return `${leadId}.${sign(secret, leadId)}`;
}

/** The lead id a token was signed for, or null when it is malformed or not ours. */
export function verifyUnsubscribeToken(secret: string, token: string): string | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const expected = Buffer.from(sign(secret, m[1]!));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? m[1]! : null;
}

export interface UnsubscribeDeps {
  outreach: Pick<OutreachStore, 'setOptOut'>;
  schedules: Pick<ScheduleStore, 'cancelPending'>;
  clock: Clock;
}

/**
 * Unsubscribes a lead: records the opt-out `stop` in chat also sets and cancels every pending
 * follow-up (`cancelled (unsubscribed)`). Idempotent: a second click changes nothing more.
 * @returns how many pending follow-ups were cancelled.
 */
export async function unsubscribeLead(deps: UnsubscribeDeps, leadId: string): Promise<number> {
  const now = deps.clock.now();
  await deps.outreach.setOptOut(`lead:${leadId}`, now);
  return deps.schedules.cancelPending(leadId, 'unsubscribed', now);
}
