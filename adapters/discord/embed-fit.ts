/**
 * Embeds that Discord accepts whatever a person typed (pure): every text within its own limit,
 * at most 25 fields, and all embeds of a message together within 6,000 characters
 * (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). The texts
 * arrive escaped; a cut never leaves half an escape (a lone `\` before the ellipsis), and when
 * the total is over, the longest texts give up characters first, so short fields (Outcome,
 * Reference, Score) stay whole.
 */
import type { APIEmbed } from 'discord.js';
import { clip, ELLIPSIS } from '../../src/core/text-fit.ts';

/** Discord's embed limits (the page above). */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
} as const;

/** `clip` for escaped text: the cut never ends in an escaping backslash. */
export function clipEscapedText(text: string, max: number): string {
  const cut = clip(text, max);
  if (cut === text || !cut.endsWith(ELLIPSIS)) return cut;
  const head = cut.slice(0, -ELLIPSIS.length);
  const trailing = /\\+$/.exec(head)?.[0].length ?? 0;
  return trailing % 2 === 1 ? `${head.slice(0, -1)}${ELLIPSIS}` : cut;
}

const size = (e: APIEmbed): number =>
  (e.title?.length ?? 0) +
  (e.description?.length ?? 0) +
  (e.footer?.text.length ?? 0) +
  (e.author?.name.length ?? 0) +
  (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);

/** One embed with each text clipped to its own limit and at most 25 fields. */
function fitParts(e: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...e };
  if (e.title !== undefined) out.title = clipEscapedText(e.title, EMBED_LIMITS.title);
  if (e.description !== undefined) out.description = clipEscapedText(e.description, EMBED_LIMITS.description);
  if (e.footer) out.footer = { ...e.footer, text: clipEscapedText(e.footer.text, EMBED_LIMITS.footer) };
  if (e.author) out.author = { ...e.author, name: clipEscapedText(e.author.name, EMBED_LIMITS.author) };
  if (e.fields)
    out.fields = e.fields.slice(0, EMBED_LIMITS.fields).map((f) => ({
      ...f,
      name: clipEscapedText(f.name, EMBED_LIMITS.fieldName) || '\u200b',
      value: clipEscapedText(f.value, EMBED_LIMITS.fieldValue) || '\u200b',
    }));
  return out;
}

/** A text that may give up characters for the total, and how to write it back. */
interface Shrinkable {
  length: number;
  set(max: number): void;
}

/**
 * The embeds fitted to every per-text limit and to the 6,000-character total. The footer (it
 * carries the alert's idempotency key), titles and field names are never shortened for the
 * total; the description and field values are, longest first, except the fields named in
 * `keepFields` (a mention cut in half would show as text).
 */
export function fitEmbeds(embeds: APIEmbed[], keepFields: readonly string[] = []): APIEmbed[] {
  const fitted = embeds.slice(0, 10).map(fitParts);
  let over = fitted.reduce((n, e) => n + size(e), 0) - EMBED_LIMITS.total;
  if (over <= 0) return fitted;
  const texts: Shrinkable[] = [];
  for (const e of fitted) {
    if (e.description)
      texts.push({
        length: e.description.length,
        set: (max) => {
          e.description = clipEscapedText(e.description ?? '', max);
        },
      });
    for (const f of (e.fields ?? []).filter((x) => !keepFields.includes(x.name)))
      texts.push({
        length: f.value.length,
        set: (max) => {
          f.value = clipEscapedText(f.value, max) || '\u200b';
        },
      });
  }
  texts.sort((a, b) => b.length - a.length);
  // Level the longest texts down to a common length until the excess is gone.
  for (let k = 1; k <= texts.length && over > 0; k++) {
    const next = texts[k]?.length ?? 1;
    const level = texts[k - 1]!.length;
    const canGive = (level - next) * k;
    const target = canGive >= over ? level - Math.ceil(over / k) : next;
    for (const t of texts.slice(0, k)) {
      const before = t.length;
      t.set(Math.max(1, target));
      t.length = Math.min(before, Math.max(1, target));
    }
    over = fitted.reduce((n, e) => n + size(e), 0) - EMBED_LIMITS.total;
  }
  return fitted;
}
