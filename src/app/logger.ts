/**
 * The process logger: pino, one JSON object per line (pretty-printed when a person watches a
 * terminal outside production; pino-pretty is loaded only then). Personal data never reaches the output in clear:
 * - pino's `redact` blanks known keys (`email`, `phone`, tokens) at any depth we declare;
 * - a `streamWrite` hook masks email- and phone-shaped substrings in the finished line, so a
 *   message string, an error message or a nested value is covered too, whatever the key.
 */
import { createRequire } from 'node:module';
import pino from 'pino';
import type PinoPretty from 'pino-pretty';
import type { LogLevel } from './config.ts';

const SENSITIVE_KEYS = ['email', 'phone', 'token', 'password', 'signingSecret', 'authorization'];

/** Key paths pino blanks: the key itself and up to three levels down. */
export const REDACT_PATHS = SENSITIVE_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/**
 * Phone-shaped: an international number (`+` then 7–15 digits, separators allowed) or a
 * national one written in groups (`(555) 123-4567`, `06 12 34 56 78`, `555-123-4567`).
 * Bare digit runs are left alone on purpose: chat platform ids (Telegram user ids, Discord
 * snowflakes) are long digit runs and are what makes a log line useful. Dots are not
 * separators so IP addresses and versions survive; ISO dates are excluded below.
 */
const PHONE =
  /(?<![\w.+-])(?:\+\d[\d ()-]{6,20}\d|\(\d{2,4}\)[ -]?\d{2,4}(?:[ -]\d{2,4})+|\d{2,4}(?:[ -]\d{2,4}){2,5})(?![\w.-]*\d)/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Replaces every email- and phone-shaped substring of `text`. */
export function maskPersonalData(text: string): string {
  return text.replace(EMAIL, '[email]').replace(PHONE, (match) => {
    const digits = match.replace(/\D/g, '').length;
    if (ISO_DATE.test(match) || digits < 7 || digits > 15) return match;
    return '[phone]';
  });
}

export interface LoggerOptions {
  level: LogLevel;
  /** Pretty output for humans; defaults to stdout being a terminal and NODE_ENV not `production`. */
  pretty?: boolean;
  /** Where lines go (tests capture them); defaults to stdout. */
  destination?: NodeJS.WritableStream;
}

/** Creates the root logger. Satisfies the core's `Logger` port. */
export function createLogger(options: LoggerOptions): pino.Logger {
  const destination = options.destination ?? process.stdout;
  const usePretty =
    options.pretty ??
    (destination === process.stdout &&
      process.stdout.isTTY === true &&
      process.env.NODE_ENV !== 'production');
  const stream = usePretty
    ? loadPretty()({ destination, colorize: destination === process.stdout, sync: true })
    : (destination as pino.DestinationStream);
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: { streamWrite: maskPersonalData },
    },
    stream,
  );
}

/**
 * pino-pretty, required on first use: a process logging JSON (production, a pipe, a test) never
 * loads it and its dependencies (~30 modules). Synchronous, so `createLogger` stays synchronous.
 */
function loadPretty(): typeof PinoPretty {
  return createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
}
