/**
 * A short, stable stand-in for a step id, for platforms whose buttons carry few bytes (Telegram's
 * callback_data holds 64). It is a digest of the id, not a stored mapping: a button sent before a
 * restart still names its step afterwards, and the engine compares it with the conversation's
 * current step like the id itself. Step ids start with a letter, so `#` never begins one.
 */

const REF_PREFIX = '#';

/** FNV-1a over UTF-16 units with a given offset basis: 32 bits, pure (no crypto in the core). */
function fnv1a(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** `#` and 64 bits of digest in base 36 (at most 15 characters in all). */
export function stepRef(stepId: string): string {
  const high = fnv1a(stepId, 0x811c9dc5).toString(36);
  const low = fnv1a(stepId, 0x050c5d1f).toString(36);
  return `${REF_PREFIX}${high}${low.padStart(7, '0')}`;
}

/** True when `idOrRef` (a step id, or its {@link stepRef}) names `stepId`. */
export function namesStep(idOrRef: string, stepId: string): boolean {
  return idOrRef === stepId || (idOrRef.startsWith(REF_PREFIX) && idOrRef === stepRef(stepId));
}

/** True when two step ids or refs name the same step. */
export function sameStep(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.startsWith(REF_PREFIX) === b.startsWith(REF_PREFIX)) return false;
  return a.startsWith(REF_PREFIX) ? namesStep(a, b) : namesStep(b, a);
}
