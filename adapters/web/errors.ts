/**
 * The one place web chat failures become leadbot errors. The "SDK" here is the browser talking
 * JSON over HTTP: a malformed request is `BAD_INPUT` (answered 400 with `userMessage`), anything
 * else that escapes the engine becomes `PLATFORM_ERROR` (answered 500, the widget retries).
 */
import { isLeadbotError, LeadbotError } from '../../src/core/errors.ts';
import { httpStatusOf } from '../shared/http-body.ts';

/** A request the widget should not have sent; the message is safe to show. */
export function badRequest(message: string): LeadbotError {
  return new LeadbotError('BAD_INPUT', `web chat request refused: ${message}`, { userMessage: message });
}

/** Translates anything thrown while handling a web chat request, once. */
export function toPlatformError(err: unknown, action = 'web chat request'): LeadbotError {
  if (isLeadbotError(err)) return err;
  if (err instanceof SyntaxError) return badRequest('the body is not valid JSON');
  const message = err instanceof Error ? err.message : String(err);
  return new LeadbotError('PLATFORM_ERROR', `${action}: ${message}`, {
    userMessage: 'Something went wrong on our side; please try again.',
    cause: err,
  });
}

/** HTTP status for an error from {@link toPlatformError}. */
export function statusOf(err: LeadbotError): number {
  return httpStatusOf(err);
}
