/**
 * The one place Telegram/grammY failures become leadbot errors. grammY separates
 * `GrammyError` (the Bot API answered ok:false) from `HttpError` (the request never got an
 * answer); both become `PLATFORM_ERROR`, with a log message naming the method and a user
 * message saying what an operator can do.
 */
import { BotError, GrammyError, HttpError } from 'grammy';
import { isLeadbotError, LeadbotError } from '../../src/core/errors.ts';

/** Translates anything thrown by grammY (or by our middleware inside grammY) once. */
export function toPlatformError(err: unknown, action = 'Telegram call'): LeadbotError {
  const inner = err instanceof BotError ? err.error : err;
  if (isLeadbotError(inner)) return inner;
  if (inner instanceof GrammyError) {
    const hint =
      inner.error_code === 401 || inner.error_code === 404
        ? 'Check TELEGRAM_BOT_TOKEN (and TELEGRAM_API_ROOT if set).'
        : inner.error_code === 403
          ? 'The person blocked the bot or never started it; nothing can be sent to them.'
          : 'Telegram refused the request; see the log for details.';
    return new LeadbotError(
      'PLATFORM_ERROR',
      `${action}: Telegram ${inner.method} failed with ${inner.error_code} ${inner.description}`,
      { userMessage: hint, cause: inner },
    );
  }
  if (inner instanceof HttpError) {
    return new LeadbotError(
      'PLATFORM_ERROR',
      `${action}: network error talking to Telegram: ${inner.message}`,
      {
        userMessage: 'Telegram could not be reached; check the network or TELEGRAM_API_ROOT.',
        cause: inner,
      },
    );
  }
  const message = inner instanceof Error ? inner.message : String(inner);
  return new LeadbotError('PLATFORM_ERROR', `${action}: ${message}`, {
    userMessage: 'The Telegram adapter failed unexpectedly; see the log.',
    cause: inner,
  });
}
