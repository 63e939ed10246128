/**
 * Discord markdown escaping in linear time. discord.js's `escapeMarkdown` looks behind every
 * `*` and `_` with unbounded patterns (`(?<!<a?:.+|https?:\/\/\S*)`), which is quadratic: 6,000
 * backslashes or asterisks typed by a person took 2.5 s to escape on these machines, on every
 * message, alert and reply that shows the text. This escapes the same syntax with one pass per
 * rule: every markdown character outside a URL gets a backslash (links stay clickable), and the
 * line-start syntax (headings, lists, quotes, subtext) and masked links are broken as well.
 * Escaping never shortens a longer input (text-fit.ts's clipping relies on it).
 */

/** A bare URL: left as typed, so it stays a working link (previews are suppressed by the flags). */
const URL_SPAN = /(https?:\/\/[^\s<>]+)/;

/** Markdown characters that change the look of inline text. */
const INLINE = /[\\*_~`|[]/g;

function escapeInline(text: string): string {
  return text
    .split(URL_SPAN)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(INLINE, '\\$&')))
    .join('');
}

/**
 * Escapes text for Discord: markdown (bold, italics, underline, strikethrough, spoilers, code,
 * headings, lists, quotes, subtext, masked links), mention/channel/emoji/timestamp syntax
 * (`<@…>`, `<#…>`, `<t:…>`) and `@everyone`/`@here` (a zero-width space breaks them even where
 * allowed_mentions would not apply, such as a copy-paste).
 */
export function escapeText(text: string): string {
  return (
    escapeInline(text)
      // Line-start syntax; `[ \t]*` (not `\s*`) so a run of blank lines is not re-scanned per line.
      .replace(/^([ \t]*)(#{1,3} |>|-#|-(?=[ \t])|\d+\.)/gm, '$1\\$2')
      .replace(/<(?=[@#:/]|a:|t:|id:)/g, '\\<')
      .replace(/@(everyone|here)/gi, '@\u200b$1')
  );
}
