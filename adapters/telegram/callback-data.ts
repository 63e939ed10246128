/**
 * The callback_data carried by inline buttons. Telegram caps it at 64 bytes
 * (https://core.telegram.org/bots/api#inlinekeyboardbutton), and the bot keeps no memory of
 * keyboards it sent: everything needed to answer a press travels in the button.
 *
 * - `c|<step>|<value>`  single choice
 * - `t|<step>|<value>`  unchecked option of a multiple choice (`T|…` once checked)
 * - `d|<step>`          "Done" of a multiple choice: the checked values are read from the keyboard
 *
 * When a flow's step id and value do not fit, the button carries short ids instead of a refusal
 * (a refusal would come after the answer before it was committed, leaving the person stuck):
 * the step becomes its digest ref (`#…`, src/core/flow/step-ref.ts) and the value its 1-based
 * option number, which the core's choice parsing accepts. Both are derived from the flow version
 * the conversation is pinned to, so a button still works after a restart, with nothing stored.
 */
import { sameStep, stepRef } from '../../src/core/flow/step-ref.ts';

export const CALLBACK_DATA_MAX_BYTES = 64;

export type CallbackData =
  | { kind: 'choice'; stepId: string; value: string }
  | { kind: 'toggle'; stepId: string; value: string; checked: boolean }
  | { kind: 'done'; stepId: string };

const fits = (s: string) => Buffer.byteLength(s, 'utf8') <= CALLBACK_DATA_MAX_BYTES;

/**
 * Encodes button data within 64 bytes. `position` (the option's 1-based number) stands in for a
 * value that does not fit.
 * @throws RangeError only when even the short form cannot fit (a value with no position).
 */
export function encodeCallbackData(data: CallbackData, position?: number): string {
  if (data.kind === 'done') {
    const literal = `d|${data.stepId}`;
    return fits(literal) ? literal : `d|${stepRef(data.stepId)}`;
  }
  const tag = data.kind === 'choice' ? 'c' : data.checked ? 'T' : 't';
  const steps = [data.stepId, stepRef(data.stepId)];
  const values = position === undefined ? [data.value] : [data.value, String(position)];
  for (const value of values)
    for (const step of steps) {
      const encoded = `${tag}|${step}|${value}`;
      if (fits(encoded)) return encoded;
    }
  throw new RangeError(`Telegram button data for step "${data.stepId}" cannot fit in 64 bytes`);
}

/** Parses button data; null for anything this bot did not produce (ignored, never guessed). */
export function decodeCallbackData(raw: string | undefined): CallbackData | null {
  if (!raw) return null;
  const first = raw.indexOf('|');
  if (first !== 1) return null;
  const tag = raw[0];
  const rest = raw.slice(2);
  if (tag === 'd') return rest ? { kind: 'done', stepId: rest } : null;
  const second = rest.indexOf('|');
  if (second <= 0) return null;
  const stepId = rest.slice(0, second);
  const value = rest.slice(second + 1);
  if (tag === 'c') return { kind: 'choice', stepId, value };
  if (tag === 't' || tag === 'T') return { kind: 'toggle', stepId, value, checked: tag === 'T' };
  return null;
}

/** True when two decoded buttons are for one step (one may carry the id, the other its ref). */
export const sameButtonStep = (a: string, b: string): boolean => sameStep(a, b);
