/**
 * How the CLI ends on a failure. An operator's mistake (bad config, unreachable database,
 * failed migration, invalid flow) is one line on stderr and exit code 2 — no stack trace to
 * wade through. Anything else is a bug: exit code 1 with the full error.
 */
import { type ErrorCode, isLeadbotError } from '../core/errors.ts';

/** Exit code of a problem the operator can fix from the message alone. */
export const EXIT_USAGE = 2;
/** Exit code of an unexpected failure (a bug, or something leadbot did not foresee). */
export const EXIT_UNEXPECTED = 1;

/**
 * Error codes that describe the operator's environment or input, not a bug, with the fix to
 * print when the error's own message does not name one.
 */
const GENERIC_FIX: Partial<Record<ErrorCode, string>> = {
  CONFIG_INVALID: 'check the variable against README.md#configuration',
  STORE_UNAVAILABLE: 'check DATABASE_URL and that the database is reachable and writable',
  MIGRATION_FAILED: 'fix the cause above, then run leadbot migrate again',
  NOT_MIGRATED: 'run leadbot migrate',
  FLOW_INVALID: 'fix the flow file; leadbot flows validate <file> lists every problem',
  BAD_INPUT: 'see leadbot --help',
  NOT_FOUND: 'check the id (leadbot leads list shows them)',
  // A platform refusing the token or the webhook URL at start: the fix is in the config.
  PLATFORM_ERROR: 'check the platform token and URLs in the configuration',
};

export const EXPECTED_CODES = Object.keys(GENERIC_FIX) as ErrorCode[];

interface Sink {
  write(text: string): unknown;
}

/**
 * Prints the failure and returns the exit code. `log` receives unexpected errors so they
 * also land in the structured log when a logger exists.
 */
export function reportFailure(err: unknown, stderr: Sink, log?: (err: unknown) => void): number {
  if (isLeadbotError(err) && EXPECTED_CODES.includes(err.code)) {
    stderr.write(`leadbot: ${withFix(oneLine(err.userMessage), GENERIC_FIX[err.code]!)}\n`);
    return EXIT_USAGE;
  }
  log?.(err);
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  stderr.write(`leadbot: unexpected error (a bug — please report it with the lines below)\n${detail}\n`);
  return EXIT_UNEXPECTED;
}

/** `; ` then an instruction: how the store words its fixes ("…(EACCES); set DATABASE_URL to …"). */
const SEMICOLON_FIX = /; (?=(?:set|start|fix|use|run|check|remove|create|point|grant|make|give|add)\b)/gi;

/**
 * Shapes a message as `what — fix`. Messages written as `what; <instruction>` get the dash;
 * one that names no fix gets the generic fix of its code.
 */
function withFix(text: string, fallback: string): string {
  if (text.includes(' — ')) return text;
  const last = [...text.matchAll(SEMICOLON_FIX)].at(-1);
  if (last?.index !== undefined) return `${text.slice(0, last.index)} — ${text.slice(last.index + 2)}`;
  return `${text} — ${fallback}`;
}

/** Collapses a message to one line so a multi-line cause cannot break the one-line promise. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
