/**
 * Slack mrkdwn escaping. Slack decodes only `&amp;`, `&lt;` and `&gt;`; every mention
 * (`<@U…>`, `<!channel>`, `<#C…>`) and link needs a literal `<`, so entity-escaping those
 * three characters makes any text inert. Slack has no escape for `*_~\``: they are replaced
 * with look-alike characters that never act as delimiters, so a person's text cannot turn
 * the rest of a message bold or into code. Web addresses are the exception: a look-alike in
 * `buyers_guide?utm_source=x` would break the link, so each URL is sent as an explicit link
 * `<url>` (inside the angle brackets Slack applies no formatting), untouched but for `&`.
 */
import { clip } from '../../src/core/text-fit.ts';

const LOOKALIKE: Record<string, string> = {
  '*': '\u2217', // ∗ ASTERISK OPERATOR
  _: '\uFF3F', // ＿ FULLWIDTH LOW LINE
  '~': '\u223C', // ∼ TILDE OPERATOR
  '`': '\u02CB', // ˋ MODIFIER LETTER GRAVE ACCENT
};

/**
 * A web address: up to whitespace or a character that would end a Slack link (`<`, `>`, `|`)
 * or that people put around links (quotes); trailing punctuation is left to the sentence.
 */
const URL = /https?:\/\/[^\s<>|"'`]+?(?=[.,;:!?)\]]*(?:[\s<>|"'`]|$))/g;
/** `[label](https://…)` as authors write links in flow texts. */
const MARKDOWN_LINK = /\[([^\]\n]{1,200})\]\((https?:\/\/[^\s<>|"'`()]+)\)/g;

/** Text without links, made inert. */
function inertText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, (c) => LOOKALIKE[c] ?? c);
}

/** A link Slack shows as is: the URL only entity-escaped (it holds no `<`, `>` or `|`). */
function link(url: string, label?: string): string {
  const href = url.replace(/&/g, '&amp;');
  return label === undefined ? `<${href}>` : `<${href}|${inertText(label)}>`;
}

/** `text` with each URL as a link and the rest through `inert`. */
function withUrls(text: string, inert: (s: string) => string): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(URL)) {
    out += inert(text.slice(at, m.index)) + link(m[0]);
    at = m.index + m[0].length;
  }
  return out + inert(text.slice(at));
}

/**
 * Makes arbitrary text safe to embed in a Slack `mrkdwn` text object or a message `text`:
 * nothing in it can mention, format or disguise a link, and the URLs in it keep working.
 */
export function escapeMrkdwn(text: string): string {
  return withUrls(text, inertText);
}

/**
 * For the bot's own messages (flow texts, where the author may write `[label](https://…)`):
 * like {@link escapeMrkdwn}, and markdown links become Slack links `<url|label>`. Not for text
 * shown to someone other than its writer (alerts, lead cards): a labelled link can disguise
 * where it goes.
 */
export function formatMrkdwn(text: string): string {
  let out = '';
  let at = 0;
  for (const m of text.matchAll(MARKDOWN_LINK)) {
    out += escapeMrkdwn(text.slice(at, m.index)) + link(m[2]!, m[1]!);
    at = m.index + m[0].length;
  }
  return out + escapeMrkdwn(text.slice(at));
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
