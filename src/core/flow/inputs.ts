/**
 * Parses what a person answered into a typed value for one step. Pure and total: any
 * string (empty, huge, emoji, control characters) gives a result, never an exception.
 */
import type { JsonValue } from '../ports/index.ts';
import { sanitizeText } from '../text-hygiene.ts';
import type { FlowOption, FlowStep } from './schema.ts';

export type ParseResult = { ok: true; value: JsonValue; display: string } | { ok: false; problem: string };

const MAX_TEXT = 2000;
const YES = new Set([
  'yes',
  'y',
  'yeah',
  'yep',
  'sure',
  'ok',
  'okay',
  'true',
  'oui',
  'si',
  'sí',
  'ja',
  '1',
  '👍',
]);
const NO = new Set(['no', 'n', 'nope', 'nah', 'false', 'non', 'nein', '0', '👎']);

/**
 * The text an answer is parsed from: {@link sanitizeText} (controls, bidi overrides, lone
 * surrogates out; invisible-only text empty), trimmed.
 */
export function cleanText(raw: string): string {
  return sanitizeText(raw).trim();
}

function matchOption(options: FlowOption[], token: string): FlowOption | undefined {
  const t = token.trim().toLowerCase();
  if (t === '') return undefined;
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n >= 1 && n <= options.length) return options[n - 1];
  }
  return options.find((o) => o.value.toLowerCase() === t || o.label.toLowerCase() === t);
}

/** Parses the values of a button press or the text answer of a choice step. */
export function parseChoice(step: FlowStep, tokens: string[]): ParseResult {
  const options = step.options ?? [];
  const picked: FlowOption[] = [];
  for (const token of tokens) {
    const o = matchOption(options, token);
    if (!o) return { ok: false, problem: 'unknown option' };
    if (!picked.includes(o)) picked.push(o);
  }
  if (picked.length === 0) return { ok: false, problem: 'no option picked' };
  if (step.type === 'choice') {
    if (picked.length > 1) return { ok: false, problem: 'only one option allowed' };
    return { ok: true, value: picked[0]!.value, display: picked[0]!.label };
  }
  if (step.min !== undefined && picked.length < step.min) return { ok: false, problem: 'too few options' };
  if (step.max !== undefined && picked.length > step.max) return { ok: false, problem: 'too many options' };
  return { ok: true, value: picked.map((o) => o.value), display: picked.map((o) => o.label).join(', ') };
}

/** The first number in `text` (with a k/M suffix), or null. */
export function parseNumber(text: string): number | null {
  const m = /(-?\d[\d,\s]*(?:\.\d+)?)\s*([kKmM])?/.exec(text);
  if (!m) return null;
  const n = Number(m[1]!.replace(/[,\s]/g, ''));
  if (!Number.isFinite(n)) return null;
  const mult = m[2] === 'k' || m[2] === 'K' ? 1e3 : m[2] ? 1e6 : 1;
  return n * mult;
}

/** Parses a free-text reply to `step`. */
export function parseAnswer(step: FlowStep, raw: string): ParseResult {
  const text = cleanText(raw);
  switch (step.type) {
    case 'text': {
      const min = step.min ?? 1;
      const max = Math.min(step.max ?? MAX_TEXT, MAX_TEXT);
      const len = [...text].length;
      if (len < min) return { ok: false, problem: 'too short' };
      if (len > max) return { ok: false, problem: 'too long' };
      return { ok: true, value: text, display: text };
    }
    case 'email': {
      const email = text.toLowerCase();
      if (email.length > 254 || !/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[a-z]{2,}$/i.test(email)) {
        return { ok: false, problem: 'not an email address' };
      }
      return { ok: true, value: email, display: email };
    }
    case 'phone': {
      const digits = text.replace(/[\s().-]/g, '');
      if (!/^\+?\d{6,15}$/.test(digits)) return { ok: false, problem: 'not a phone number' };
      return { ok: true, value: digits, display: digits };
    }
    case 'url': {
      const candidate = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
      try {
        const url = new URL(candidate);
        if (
          !['http:', 'https:'].includes(url.protocol) ||
          !url.hostname.includes('.') ||
          text.includes(' ')
        ) {
          return { ok: false, problem: 'not a web address' };
        }
        return { ok: true, value: url.toString(), display: url.toString() };
      } catch {
        return { ok: false, problem: 'not a web address' };
      }
    }
    case 'number': {
      const n = text.length > 100 ? null : parseNumber(text);
      if (n === null) return { ok: false, problem: 'not a number' };
      if (step.min !== undefined && n < step.min) return { ok: false, problem: 'too small' };
      if (step.max !== undefined && n > step.max) return { ok: false, problem: 'too large' };
      return { ok: true, value: n, display: String(n) };
    }
    case 'yesno': {
      const t = text.toLowerCase().replace(/[.!]+$/, '');
      if (YES.has(t)) return { ok: true, value: true, display: 'yes' };
      if (NO.has(t)) return { ok: true, value: false, display: 'no' };
      return { ok: false, problem: 'not yes or no' };
    }
    case 'choice':
    case 'multichoice':
      if (text.length > 1000) return { ok: false, problem: 'unknown option' };
      return parseChoice(step, step.type === 'multichoice' ? text.split(',') : [text]);
  }
}

/** The default re-ask for each input kind, when the step gives none. */
export const DEFAULT_RETRY: Record<FlowStep['type'], string> = {
  text: "Sorry, I couldn't use that answer. Could you try again?",
  email: "That doesn't look like an email address. Could you check it?",
  phone: "That doesn't look like a phone number. Please include digits only, with an optional +.",
  number: 'Please answer with a number.',
  url: 'Please send a web address, like example.com.',
  yesno: 'Please answer yes or no.',
  choice: 'Please pick one of the options (you can type its number).',
  multichoice: 'Please pick one or more of the options, separated by commas.',
};

/** The buttons offered for a step: choice options, or yes/no. */
export function stepChoices(step: FlowStep): { value: string; label: string }[] | undefined {
  if (step.options) return step.options.map((o) => ({ value: o.value, label: o.label }));
  if (step.type === 'yesno') {
    return [
      { value: 'yes', label: 'Yes' },
      { value: 'no', label: 'No' },
    ];
  }
  return undefined;
}
