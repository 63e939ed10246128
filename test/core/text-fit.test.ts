/**
 * The one place text is fitted into platform limits: clipping and splitting, measured after
 * escaping, never cutting a surrogate pair or an escape.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeText } from '../../adapters/discord/outbound.ts';
import { escapeMrkdwn } from '../../adapters/slack/escape.ts';
import { clip, clipEscaped, ELLIPSIS, splitToFit } from '../../src/core/text-fit.ts';

const lone = (s: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
/** Text rich in what escapes and cuts get wrong: markup, entities, mentions, emoji, newlines. */
const risky = fc
  .array(fc.constantFrom('a', ' ', '\n', '&', '<', '>', '@', '*', '_', '`', '<@1>', '😀', 'é', 'everyone'), {
    maxLength: 400,
  })
  .map((parts) => parts.join(''));

describe('clip', () => {
  it('keeps what fits and cuts the rest with an ellipsis, never inside a surrogate pair', () => {
    expect(clip('hello', 5)).toBe('hello');
    expect(clip('hello world', 6)).toBe(`hello${ELLIPSIS}`);
    expect(clip('ab😀cd', 4)).toBe(`ab${ELLIPSIS}`); // 😀 is two units: not split
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.integer({ min: 1, max: 40 }),
        (s, max) => {
          const out = clip(s, max);
          expect(out.length).toBeLessThanOrEqual(max);
          expect(lone(out)).toBe(lone(s));
        },
      ),
    );
  });
});

describe('clipEscaped', () => {
  it('measures the escaped form and never cuts an entity', () => {
    const out = clipEscaped('a & b & c & d', 12, escapeMrkdwn);
    expect(out.length).toBeLessThanOrEqual(12);
    expect(out).toBe(`a &amp; b ${ELLIPSIS}`);
    fc.assert(
      fc.property(risky, fc.integer({ min: 10, max: 200 }), (s, max) => {
        const out = clipEscaped(s, max, escapeMrkdwn);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out.replace(/&(amp|lt|gt);/g, '')).not.toMatch(/&/); // every & starts a whole entity
      }),
    );
  });
});

describe('splitToFit', () => {
  it('splits at line breaks, each piece within the limit after escaping', () => {
    expect(splitToFit('one\ntwo\nthree', 7)).toEqual(['one\ntwo', 'three']);
    expect(splitToFit('', 10)).toEqual(['']);
    expect(splitToFit('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('breaks no escape: Slack entities and Discord mentions stay whole in every piece', () => {
    fc.assert(
      fc.property(risky, fc.integer({ min: 12, max: 120 }), (s, max) => {
        for (const p of splitToFit(s, max, escapeMrkdwn)) {
          expect(p.length).toBeLessThanOrEqual(max);
          expect(lone(p)).toBe(false);
          expect(p.replace(/&(amp|lt|gt);/g, '')).not.toMatch(/[&<>]/);
        }
        for (const p of splitToFit(s, max, escapeText)) {
          expect(p.length).toBeLessThanOrEqual(max);
          expect(p).not.toMatch(/(^|[^\\])<@/);
          expect(p).not.toMatch(/@everyone/);
        }
      }),
    );
  });

  it('loses nothing: the unescaped pieces are the text, less the breaks it was split at', () => {
    const entities = (t: string) => t.replace(/&/g, '&amp;');
    fc.assert(
      fc.property(risky, fc.integer({ min: 5, max: 80 }), (s, max) => {
        const rebuilt = splitToFit(s, max, entities)
          .map((p) => p.replace(/&amp;/g, '&'))
          .join('');
        expect(rebuilt.replace(/\n/g, '')).toBe(s.replace(/\n/g, ''));
      }),
    );
  });

  it('refuses a limit that cannot hold one escaped character', () => {
    expect(() => splitToFit('&&&', 3, escapeMrkdwn)).toThrow(RangeError);
  });
});
