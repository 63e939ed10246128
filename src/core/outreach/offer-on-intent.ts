/**
 * An intent signal in a public channel: when a member's message matches an intent pattern, the
 * bot may offer qualification there, in public, with consent buttons — never by DM — if the
 * contact policy allows (not a lead already, not opted out, no quiet hours, under the contact
 * limit, past both cooldowns). The decision and its record are one step
 * ({@link ContactPolicy.approach}), taken before anything is posted: two instances that see the
 * same message, or two messages at once, get one offer between them. A post that then fails
 * costs the person that offer (the cooldown holds): an unsolicited message is sent at most once.
 */
import type { AnswerInterpreter, IdentityKey } from '../ports/index.ts';
import { sanitizeText } from '../text-hygiene.ts';
import type { ContactPolicy, Refusal } from './contact-policy.ts';
import { detectIntent, detectIntentWithModel } from './intent.ts';

export const OFFER_TEXT =
  'Hi! It sounds like you are looking into this. Would you like a few quick questions in a private message so our team can help? Nothing is sent privately unless you accept.';

export interface OfferOnIntentInput {
  /** Who wrote the message. */
  member: IdentityKey;
  channelId: string;
  /** The message as written. */
  text: string;
  /** The message's id on its platform: one message is answered with one offer at most. */
  eventId: string;
}

export type OfferOnIntentResult =
  /** Post `text` to the member in the channel (counted already). */
  { outcome: 'offer'; text: string; signal: string } | { outcome: 'quiet'; reason: 'no_signal' | Refusal };

/**
 * Decides whether to answer the message with an offer, and counts the offer if so. The keyword
 * list decides first; with an answer interpreter, a message it does not match is classified by
 * the model, whose quoted reason becomes the signal. Either way the same contact policy gates it.
 */
export async function offerOnIntent(
  deps: { contactPolicy: ContactPolicy; interpreter?: AnswerInterpreter | undefined },
  input: OfferOnIntentInput,
): Promise<OfferOnIntentResult> {
  const policy = deps.contactPolicy;
  const text = sanitizeText(input.text);
  const signal =
    detectIntent(text, policy.settings) ??
    (deps.interpreter && text.trim() !== '' && text.length <= 2000
      ? await detectIntentWithModel(text, input.member, deps.interpreter)
      : null);
  if (!signal) return { outcome: 'quiet', reason: 'no_signal' };
  const { platform } = input.member;
  const decision = await policy.approach(input.member, 'offer', platform, input.channelId, {
    approachId: `offer:${platform}:${input.eventId}`,
  });
  return decision.ok
    ? { outcome: 'offer', text: OFFER_TEXT, signal }
    : { outcome: 'quiet', reason: decision.reason };
}
