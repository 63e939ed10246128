/**
 * Telegram's HTML parse mode, as far as a fake needs it: the text left after entity parsing, or
 * the reason Telegram gives for refusing it. Per https://core.telegram.org/bots/api#html-style
 * only these tags exist; every `<`, `>` and `&` that is not part of a tag or entity must be
 * escaped; named entities are only `&lt;` `&gt;` `&amp;` `&quot;` (numeric ones are allowed).
 */
const TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'tg-emoji',
  'code',
  'pre',
  'blockquote',
]);
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** The plain text of an HTML-mode text, or Telegram's parse error. */
export function plainTextOfHtml(html: string): { plain: string } | { error: string } {
  let plain = '';
  const open: string[] = [];
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    const offset = Buffer.byteLength(html.slice(0, i));
    if (c === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) return { error: `Unclosed start tag at byte offset ${offset}` };
      const inner = html.slice(i + 1, end);
      const closing = inner.startsWith('/');
      const name = (closing ? inner.slice(1) : inner).trim().split(/\s/)[0]!.toLowerCase();
      if (!TAGS.has(name)) return { error: `Unsupported start tag "${name}" at byte offset ${offset}` };
      if (closing) {
        if (open.pop() !== name) return { error: `Can't find end tag corresponding to start tag "${name}"` };
      } else open.push(name);
      i = end + 1;
      continue;
    }
    if (c === '>') return { error: `Unexpected end tag at byte offset ${offset}` };
    if (c === '&') {
      const m = /^&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);/i.exec(html.slice(i));
      if (m) {
        const e = m[1]!;
        if (e.startsWith('#')) {
          const n = e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
          plain += String.fromCodePoint(Math.min(n, 0x10ffff));
          i += m[0].length;
          continue;
        }
        const named = NAMED[e.toLowerCase()];
        if (named) {
          plain += named;
          i += m[0].length;
          continue;
        }
      }
      // An unknown or unterminated entity is kept as text, as Telegram does with a lone '&'.
    }
    plain += c;
    i++;
  }
  if (open.length > 0) return { error: `Can't find end tag corresponding to start tag "${open.at(-1)}"` };
  return { plain };
}
