/**
 * Pure rendering of {@link OutboundMessage}s into the JSON the widget shows. The widget's
 * markup is plain text: it puts every string into the page with `textContent`, never as HTML,
 * so escaping here means removing what plain text can still abuse — control and bidirectional
 * override characters (which can disguise text) — and bounding lengths.
 */
import type { OutboundMessage } from '../../src/core/events.ts';

export interface WebMessage {
  kind: 'question' | 'info' | 'error';
  text: string;
  stepId?: string;
  choices?: { value: string; label: string }[];
  multiple?: boolean;
}

// C0/C1 controls except tab and newline, plus bidi overrides/isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Plain text safe to put into the page as text. */
export function plainText(text: string, max = 4000): string {
  return text.replace(UNSAFE, '').slice(0, max);
}

/** One widget message per outbound message. */
export function renderMessages(messages: readonly OutboundMessage[]): WebMessage[] {
  return messages.map((m) => {
    const out: WebMessage = { kind: m.kind, text: plainText(m.text) };
    if (m.stepId) out.stepId = m.stepId;
    if (m.choices?.length) {
      out.choices = m.choices.map((c) => ({ value: c.value, label: plainText(c.label, 200) }));
      if (m.multiple) out.multiple = true;
    }
    return out;
  });
}
