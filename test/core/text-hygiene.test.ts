/**
 * The core's text hygiene: examples of what it does to odd text, and properties checked by
 * fast-check over random strings full of the characters it handles (controls, bidi controls,
 * zero-width characters, lone surrogates) mixed with ordinary text of every script.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/core/events.ts';
import { cleanText, parseAnswer } from '../../src/core/flow/inputs.ts';
import { truncateText } from '../../src/core/text-fit.ts';
import { sanitizeEvent, sanitizeText, storableText, storableValue } from '../../src/core/text-hygiene.ts';

/** What sanitizeText removes wherever it appears. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
const STRIPPED = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const INVISIBLE = /^[\s\p{Default_Ignorable_Code_Point}\u2800]*$/u;

/** Characters the hygiene treats specially, to be sprinkled densely into random text. */
const SPECIAL = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009f',
  '\r',
  '\r\n',
  '\n',
  '\t',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u061c',
  '\u2060',
  '\ufeff',
  '\ufe0f',
  '\u3164',
  '\u2800',
  '\u00ad',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\ud83d',
  '\ude00',
  ' ',
  '\u00a0',
  '\u3000',
];
const special = fc.constantFrom(...SPECIAL);
/** Any UTF-16 code unit, lone surrogates included. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const hostile = fc
  .array(fc.oneof(special, anyUnit, fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 40 })
  .map((parts) => parts.join(''));

/** Text people type: every script, emoji sequences (ZWJ, variation selectors, flags), marks. */
const ORDINARY_PIECES = [
  'Acme Corp',
  'Zoë Müller',
  'Łódź',
  'İstanbul',
  'Ærøskøbing',
  '株式会社テスト',
  '北京',
  '한국',
  'Москва',
  'Ελλάδα',
  'שלום עולם',
  'مرحبا',
  'שלום\u200fabc',
  'میخواهم', // ZWNJ spelling
  'फ़ार्म',
  'ক্ষ',
  'ภาษาไทย',
  '👍',
  '❤️',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '🇫🇷',
  '🏴󠁧󠁢󠁥󠁮󠁧󠁿',
  'é',
  'e\u0301',
  '<b>x</b>',
  '**bold**',
  '@everyone',
  '<!channel>',
  '$100k',
  '\n',
  '\t',
  ' ',
  '1,000',
  'a\u200bb',
];
const ordinary = fc
  .array(fc.oneof(fc.constantFrom(...ORDINARY_PIECES), fc.string({ unit: 'grapheme-ascii' })), {
    minLength: 1,
    maxLength: 12,
  })
  .map((parts) => parts.join(''))
  .filter((s) => !STRIPPED.test(s) && !INVISIBLE.test(s));

describe('sanitizeText', () => {
  it('cleans the odd text a tester typed', () => {
    expect(sanitizeText('Ac\u0000me')).toBe('Acme');
    expect(sanitizeText('\ud800abc')).toBe('\ufffdabc');
    expect(sanitizeText('abc\udfff')).toBe('abc\ufffd');
    expect(sanitizeText('\u202egnp.exe Corp')).toBe('gnp.exe Corp');
    expect(sanitizeText('\u2066Acme\u2069 \u202aInc\u202c')).toBe('Acme Inc');
    expect(sanitizeText('\u200b\u200c\u200d\u2060\ufeff')).toBe('');
    expect(sanitizeText('\ufe0f\ufe0f')).toBe('');
    expect(sanitizeText('\u3164\u3164')).toBe('');
    expect(sanitizeText(' \u200f\u2800 \u00ad')).toBe('');
    expect(sanitizeText('line one\r\nline two\rthree\u0007')).toBe('line one\nline two\nthree');
    expect(sanitizeText('tab\there\n')).toBe('tab\there\n');
    expect(sanitizeText('\u0085C1\u009f')).toBe('C1');
  });

  it('leaves ordinary text alone: scripts, emoji sequences, marks inside words, markup, mentions', () => {
    for (const piece of ORDINARY_PIECES.filter((p) => p.trim() !== ''))
      expect(sanitizeText(piece)).toBe(piece);
    const emoji = '😀'.repeat(2000);
    expect(sanitizeText(emoji)).toBe(emoji);
  });

  it('is fast on huge text (1 MB, full of what it removes)', () => {
    const huge = 'a\u0000\u202e\ud800 '.repeat(200_000);
    const started = performance.now();
    const out = sanitizeText(huge);
    const ms = performance.now() - started;
    console.log(
      `[hygiene] ${(huge.length / 1e6).toFixed(1)} M UTF-16 units sanitized in ${ms.toFixed(0)} ms`,
    );
    expect(out).toBe('a\ufffd '.repeat(200_000));
    expect(ms).toBeLessThan(2000);
  });

  it('is idempotent, well-formed, free of what it strips, and never blank (property)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const once = sanitizeText(s);
        expect(sanitizeText(once)).toBe(once);
        expect(once.isWellFormed()).toBe(true);
        expect(once).not.toMatch(STRIPPED);
        if (once !== '') expect(once).not.toMatch(INVISIBLE);
        // Nothing a person could see is lost: only the stripped classes go.
        const visible = (t: string) =>
          t.toWellFormed().replace(/\r\n?/g, '\n').replace(new RegExp(STRIPPED, 'g'), '');
        if (!INVISIBLE.test(visible(s))) expect(once).toBe(visible(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('collapses text with nothing visible to empty (property)', () => {
    const invisible = fc
      .array(
        fc.constantFrom(
          '\u200b',
          '\u200c',
          '\u200d',
          '\u2060',
          '\ufeff',
          '\ufe0f',
          '\u202e',
          '\u0000',
          ' ',
          '\n',
        ),
      )
      .map((a) => a.join(''));
    fc.assert(
      fc.property(invisible, (s) => {
        expect(sanitizeText(s)).toBe('');
      }),
    );
  });

  it('never changes ordinary text (property)', () => {
    fc.assert(
      fc.property(ordinary, (s) => {
        expect(sanitizeText(s)).toBe(s);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('storableText and storableValue', () => {
  it('only removes NUL and mends lone surrogates (property)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = storableText(s);
        expect(out.isWellFormed()).toBe(true);
        expect(out).not.toContain('\u0000');
        expect(storableText(out)).toBe(out);
        expect(out).toBe(s.toWellFormed().replaceAll('\u0000', ''));
      }),
      { numRuns: 3000 },
    );
  });

  it('reaches strings in nested JSON, keys included, and leaves dates, buffers and clean objects as they are', () => {
    const date = new Date();
    const buffer = Buffer.from('x');
    const clean = { a: ['b', 1, null, true], c: { d: 'e' } };
    expect(storableValue(clean)).toBe(clean);
    expect(storableValue({ 'k\u0000': ['\ud800', { v: 'a\u0000b' }], at: date, raw: buffer })).toEqual({
      k: ['\ufffd', { v: 'ab' }],
      at: date,
      raw: buffer,
    });
    expect(storableValue(date)).toBe(date);
  });
});

describe('truncateText', () => {
  it('never cuts a surrogate pair in half (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.integer({ min: 1, max: 60 }), (s, max) => {
        const out = truncateText(s, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out.isWellFormed()).toBe(true);
        expect(s.startsWith(out)).toBe(true);
        expect(out.length).toBeGreaterThanOrEqual(Math.min(s.length, max) - 1);
      }),
    );
  });
});

describe('sanitizeEvent', () => {
  const origin = {
    platform: 'telegram' as const,
    workspaceId: '',
    channelId: '7',
    userId: '7\u0000',
    isDirect: true,
    eventId: 'e1',
  };

  it('cleans every text field and drops names with nothing visible', () => {
    const raw = { secret: 'kept as is' };
    const e: InboundEvent = {
      ...origin,
      kind: 'message',
      text: 'Ac\u0000me\u202e',
      displayName: '\u200b\u200b',
      username: 'ada\u202e',
      campaign: '\u2066spring\u2069',
      raw,
    };
    expect(sanitizeEvent(e)).toEqual({
      ...origin,
      userId: '7',
      kind: 'message',
      text: 'Acme',
      username: 'ada',
      campaign: 'spring',
      raw,
    });
    expect(
      sanitizeEvent({ ...origin, kind: 'choice', values: ['\u0000yes', '\u200b'], stepId: 'need\u202e' }),
    ).toMatchObject({
      values: ['yes', ''],
      stepId: 'need',
    });
    expect(
      sanitizeEvent({ ...origin, kind: 'command', name: 'start\u0000', args: ['camp\u202eaign'] }),
    ).toMatchObject({
      name: 'start',
      args: ['campaign'],
    });
    // The group a deep link came from: its title is text a group owner typed.
    const cameFrom = {
      workspaceId: '-100\u0000',
      channelId: '-100',
      workspaceName: 'Ac\u202eme',
      channelName: '\u200b',
    };
    expect(sanitizeEvent({ ...origin, kind: 'command', name: 'start', args: [], cameFrom })).toMatchObject({
      cameFrom: { workspaceId: '-100', channelId: '-100', workspaceName: 'Acme' },
    });
    expect(
      (
        sanitizeEvent({ ...origin, kind: 'command', name: 'start', args: [], cameFrom }) as {
          cameFrom: object;
        }
      ).cameFrom,
    ).not.toHaveProperty('channelName');
  });

  it('keeps the flows’ text validation asking again for zero-width-only answers', () => {
    const company = {
      ask: 'Company?',
      type: 'text' as const,
      min: 2,
      max: 100,
      maxAttempts: 3,
      onInvalid: 'skip' as const,
    };
    expect(parseAnswer(company, '\u200b\u200b\u200b')).toEqual({ ok: false, problem: 'too short' });
    expect(parseAnswer(company, '\u202e\u202e')).toEqual({ ok: false, problem: 'too short' });
    expect(parseAnswer(company, ' Ac\u0000me \u202e')).toMatchObject({ ok: true, value: 'Acme' });
    expect(cleanText('  \ud800x  ')).toBe('\ufffdx');
  });
});
