/**
 * Slack mrkdwn escaping. Slack decodes only `&amp;`, `&lt;` and `&gt;`; every mention
 * (`<@U…>`, `<!channel>`, `<#C…>`) and link needs a literal `<`, so entity-escaping those
 * three characters makes any text inert. Slack has no escape for `*_~\``: they are replaced
 * with look-alike characters that never act as delimiters, so a person's text cannot turn
 * the rest of a message bold or into code.
 */
import { clip } from '../../src/core/text-fit.ts';

const LOOKALIKE: Record<string, string> = {
  '*': '\u2217', // ∗ ASTERISK OPERATOR
  _: '\uFF3F', // ＿ FULLWIDTH LOW LINE
  '~': '\u223C', // ∼ TILDE OPERATOR
  '`': '\u02CB', // ˋ MODIFIER LETTER GRAVE ACCENT
};

/** Makes arbitrary text safe to embed in a Slack `mrkdwn` text object or a message `text`. */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, (c) => LOOKALIKE[c] ?? c);
}

/**
 * For `plain_text` objects (button labels, modal titles): Slack parses neither mentions nor
 * formatting there, so the text goes as is. Only ever pass authored text (flow labels), never
 * what a person typed. `max` keeps within Slack's limits (75 for buttons, 24 for modal titles).
 */
export function plainText(text: string, max = 75): { type: 'plain_text'; text: string; emoji: boolean } {
  return { type: 'plain_text', text: clip(text, max), emoji: true };
}

/** Reverses Slack's entity encoding of inbound text (what a person typed, as plain text). */
export function decodeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
