/** Intent signals: does a public message say the person may want to buy? */
import { containsEvidence, MIN_CONFIDENCE } from '../interpret/judge.ts';
import type { AnswerInterpreter, IdentityKey, InterpretableStep } from '../ports/index.ts';
import type { OutreachSettings } from './settings.ts';

/** The first configured pattern found in `text`, as written there; null when none. */
export function detectIntent(
  text: string,
  settings: Pick<OutreachSettings, 'intentPatterns'>,
): string | null {
  for (const p of settings.intentPatterns) {
    const m = p.exec(text);
    if (m) return m[0].trim();
  }
  return null;
}

/** The one question the answer interpreter is asked about a public message. */
export const BUYING_INTENT_STEP: InterpretableStep = {
  id: 'buying_intent',
  kind: 'yesno',
  prompt:
    'Does the author say they want to buy, evaluate, compare or get a demo or price of a product like ours?',
};

/**
 * Buying intent as the answer interpreter reads it, with the reason quoted: the words of the
 * message it rests on, which must be in the message (as for answers). Null when the model says
 * no, is unsure, quotes words that are not there, or fails.
 */
export async function detectIntentWithModel(
  text: string,
  member: IdentityKey,
  interpreter: AnswerInterpreter,
): Promise<string | null> {
  const personKey = `${member.platform}:${member.workspaceId}:${member.userId}`;
  const found = await interpreter
    .interpret({ steps: [BUYING_INTENT_STEP], message: text, personKey })
    .catch(() => []);
  const yes = found.find(
    (v) =>
      v.stepId === BUYING_INTENT_STEP.id &&
      v.value.trim().toLowerCase() === 'yes' &&
      v.confidence >= MIN_CONFIDENCE &&
      containsEvidence(text, v.evidence),
  );
  return yes ? yes.evidence.trim().slice(0, 200) : null;
}
