/**
 * The callback_data carried by inline buttons. Telegram caps it at 64 bytes, and the bot keeps
 * no memory of keyboards it sent: everything needed to answer a press travels in the button.
 *
 * - `c|<step>|<value>`  single choice
 * - `t|<step>|<value>`  unchecked option of a multiple choice (`T|…` once checked)
 * - `d|<step>`          "Done" of a multiple choice: the checked values are read from the keyboard
 */
import { LeadbotError } from '../../src/core/errors.ts';

export const CALLBACK_DATA_MAX_BYTES = 64;

export type CallbackData =
  | { kind: 'choice'; stepId: string; value: string }
  | { kind: 'toggle'; stepId: string; value: string; checked: boolean }
  | { kind: 'done'; stepId: string };

/** Encodes button data; throws when a flow's step id + value cannot fit in 64 bytes. */
export function encodeCallbackData(data: CallbackData): string {
  const encoded =
    data.kind === 'done'
      ? `d|${data.stepId}`
      : `${data.kind === 'choice' ? 'c' : data.checked ? 'T' : 't'}|${data.stepId}|${data.value}`;
  if (Buffer.byteLength(encoded, 'utf8') > CALLBACK_DATA_MAX_BYTES) {
    throw new LeadbotError(
      'FLOW_INVALID',
      `Telegram button data "${encoded}" exceeds ${CALLBACK_DATA_MAX_BYTES} bytes`,
      { userMessage: 'Shorten the step id or choice value: Telegram buttons carry at most 64 bytes.' },
    );
  }
  return encoded;
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
