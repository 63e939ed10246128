/**
 * Reading request bodies on the app's HTTP server, for every route that takes one: a hard
 * byte cap (checked against `Content-Length` first, then while streaming) and, for JSON
 * webhooks, "an object or nothing". Failures are {@link LeadbotError}s whose code maps to the
 * HTTP status with {@link httpStatusOf}, so no route turns odd input into a 500.
 */
import type { IncomingMessage } from 'node:http';
import { isLeadbotError, LeadbotError } from '../../src/core/errors.ts';

/** A body over `max` bytes: 413. */
export function tooLarge(max: number): LeadbotError {
  return new LeadbotError('TOO_LARGE', `request body over ${max} bytes refused`, {
    userMessage: `The request body is larger than ${max} bytes.`,
  });
}

/** Malformed input: 400, with a message safe to show. */
export function malformed(message: string): LeadbotError {
  return new LeadbotError('BAD_INPUT', `request refused: ${message}`, { userMessage: message });
}

/**
 * Reads the whole body, at most `max` bytes. Over the cap it stops keeping data and lets the
 * rest drain (so the 413 still reaches the client) and rejects with `TOO_LARGE`.
 */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      req.resume();
      reject(tooLarge(max));
      return;
    }
    let size = 0;
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge(max));
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Reads a JSON body that must be an object (`null`, arrays, strings and numbers are refused
 * with `BAD_INPUT`). Returns the raw text too: signatures are computed over the exact bytes.
 */
export async function readJsonObject(
  req: IncomingMessage,
  max: number,
): Promise<{ raw: string; value: Record<string, unknown> }> {
  const raw = (await readBody(req, max)).toString('utf8');
  return { raw, value: parseJsonObject(raw) };
}

/** Parses `raw` as a JSON object; anything else is `BAD_INPUT`. */
export function parseJsonObject(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw malformed('the body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw malformed('the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** The HTTP status for an error raised while handling a request. */
export function httpStatusOf(err: unknown): number {
  if (!isLeadbotError(err)) return 500;
  switch (err.code) {
    case 'BAD_INPUT':
      return 400;
    case 'FORBIDDEN':
      return 403;
    case 'TOO_LARGE':
      return 413;
    case 'RATE_LIMITED':
      return 429;
    default:
      return 500;
  }
}
