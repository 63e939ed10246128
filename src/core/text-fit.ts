/**
 * Fitting text into a platform's length limits, in one place: clipping a label or a field, and
 * splitting a long reply into several messages. Lengths are UTF-16 code units (JavaScript's
 * `length`): every platform counts a character as at least one of those, so a text that fits
 * here fits there. A cut never falls inside a surrogate pair, and — where the text is escaped
 * for the platform's markup — never inside an escape: what is measured is the escaped form of a
 * whole prefix, never a prefix of the escaped form (`&amp;` is not cut to `&am`, `\<@` is not
 * separated from its `<`).
 */

/** What a clipped text ends with. */
export const ELLIPSIS = '…';

/** Makes text inert for a platform's markup; the identity where the text is sent as plain text. */
export type Escape = (text: string) => string;

const plain: Escape = (text) => text;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * At most `max` UTF-16 units of `text`, never ending in half of a surrogate pair, without an
 * ellipsis (what is stored, not what is shown).
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = max > 0 && isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
  return text.slice(0, Math.max(0, end));
}

/**
 * `text` when it fits in `max` code units; otherwise its head and an ellipsis, `max` units in
 * all. For text that is escaped afterwards (escaping may grow it), use {@link clipEscaped}.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  return `${truncateText(text, max - ELLIPSIS.length)}${ELLIPSIS}`;
}

/**
 * The longest head of `text` (whole code points) whose escaped form fits in `budget` units.
 * `inert` must never shorten when its input grows (true of every markup escape here), which
 * makes the search a bisection over code point counts.
 */
function longestHead(text: string, budget: number, inert: Escape): string {
  const ends: number[] = []; // the offset after each code point
  for (let i = 0; i < text.length; i += isHighSurrogate(text.charCodeAt(i)) ? 2 : 1)
    ends.push(Math.min(text.length, i + (isHighSurrogate(text.charCodeAt(i)) ? 2 : 1)));
  const head = (points: number) => (points === 0 ? '' : text.slice(0, ends[points - 1]));
  let low = 0; // a head of `low` code points fits
  let high = ends.length; // one of `high + 1` does not (or would be more than the text)
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (inert(head(mid)).length <= budget) low = mid;
    else high = mid - 1;
  }
  return head(low);
}

/**
 * `inert(text)` when that fits in `max` units; otherwise the escaped form of the longest head
 * of `text` that fits with an ellipsis after it. No escape is ever cut.
 */
export function clipEscaped(text: string, max: number, inert: Escape): string {
  const whole = inert(text);
  if (whole.length <= max) return whole;
  if (max < 1) return '';
  return `${inert(longestHead(text, max - ELLIPSIS.length, inert))}${ELLIPSIS}`;
}

/**
 * Splits `text` into pieces whose escaped forms each fit in `max` units and returns them
 * escaped, in order. Pieces end at line breaks where possible (the break itself is dropped
 * between pieces); a single line longer than `max` is cut between code points, never inside an
 * escape. Nothing is lost: unescaped, the pieces are `text` in order, less the line breaks it
 * was split at.
 * @throws RangeError when `max` cannot hold even one escaped character.
 */
export function splitToFit(text: string, max: number, inert: Escape = plain): string[] {
  const pieces: string[] = [];
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const joined: string = current === null ? line : `${current}\n${line}`;
    if (inert(joined).length <= max) {
      current = joined;
      continue;
    }
    if (current !== null) pieces.push(inert(current));
    let rest = line;
    while (inert(rest).length > max) {
      const head = longestHead(rest, max, inert);
      if (head === '') throw new RangeError(`a limit of ${max} cannot hold one escaped character`);
      pieces.push(inert(head));
      rest = rest.slice(head.length);
    }
    current = rest;
  }
  pieces.push(inert(current ?? ''));
  return pieces;
}
