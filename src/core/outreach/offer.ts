/**
 * Intent signals in public channels: when a member's message matches a pattern, the bot may
 * offer qualification in public with a consent button — never a DM — if the gate allows
 * (not opted out, no quiet hours, under the contact limit, past both cooldowns). Members who
 * already are leads are left alone: they know where to find the bot.
 */
import type { IdentityKey } from '../ports/index.ts';
import { sanitizeText } from '../text-hygiene.ts';
import type { OutreachGate } from './gate.ts';
import { detectIntent } from './intent.ts';
import type { Person } from './persons.ts';

export const OFFER_TEXT =
  'Hi! It sounds like you are looking into this. Would you like a few quick questions in a private message so our team can help? Nothing is sent privately unless you accept.';

export const CONSENT_TEXT = {
  accepted: 'Accepted: continuing in a private message.',
  declined: 'No problem, we will not message you privately.',
  notYours: 'This invitation is for someone else.',
} as const;

/** The offer to post, or null to stay quiet. Call {@link OutreachGate.record} once posted. */
export async function considerOffer(
  gate: OutreachGate,
  key: IdentityKey,
  channelId: string,
  text: string,
): Promise<{ person: Person; text: string; signal: string } | null> {
  const signal = detectIntent(sanitizeText(text), gate.settings);
  if (!signal) return null;
  const decision = await gate.check(key, 'offer', channelId);
  if (!decision.ok || decision.person.lead) return null;
  return { person: decision.person, text: OFFER_TEXT, signal };
}
