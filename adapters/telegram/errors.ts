/**
 * The one place Telegram/grammY failures become leadbot errors. grammY separates
 * `GrammyError` (the Bot API answered ok:false) from `HttpError` (the request never got an
 * answer); both become `PLATFORM_ERROR`, with a log message naming the method and a user
 * message saying what an operator can do.
 */
import { BotError, GrammyError, HttpError } from 'grammy';
import { isLeadbotError, LeadbotError } from '../../src/core/errors.ts';
import { DeliveryError } from '../../src/core/outbox/delivery-error.ts';
import type { PlatformEndpoint } from '../shared/startup.ts';
import type { TelegramAdapterConfig } from './config.ts';

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

/**
 * Telegram's answer as the hints the outbox dispatcher schedules retries with (the sinks'
 * errors): the dispatcher, not the sink, waits out a 429 (`retry_after`), so a claimed row never
 * outlives its lease; a 4xx other than 429 (blocked, chat not found, bad request) is permanent.
 */
export function toDeliveryError(err: unknown, action: string): DeliveryError {
  const e = toPlatformError(err, action);
  const api = err instanceof GrammyError ? err : null;
  const retryAfter = api?.parameters.retry_after;
  return new DeliveryError(e.message, {
    cause: err,
    userMessage: e.userMessage,
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter * 1000 } : {}),
    permanent: api !== null && api.error_code >= 400 && api.error_code < 500 && api.error_code !== 429,
  });
}

/** Where the Bot API is, for the line `start` prints when it does not answer. */
export function telegramEndpoint(config: TelegramAdapterConfig): PlatformEndpoint {
  return config.apiRoot
    ? { platform: 'Telegram', url: config.apiRoot, variable: 'TELEGRAM_API_ROOT' }
    : {
        platform: 'Telegram',
        url: 'https://api.telegram.org',
        otherwise: 'check the network, or set TELEGRAM_API_ROOT',
      };
}

/** A refusal at start: a token Telegram does not know names the token. */
export function startError(err: unknown): LeadbotError {
  if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
    return new LeadbotError('PLATFORM_ERROR', `Telegram ${err.method} failed with ${err.error_code}`, {
      userMessage: `TELEGRAM_BOT_TOKEN is refused by Telegram (${err.error_code} ${err.description}) — check it (and TELEGRAM_API_ROOT if set)`,
      cause: err,
    });
  }
  return toPlatformError(err, err instanceof GrammyError ? err.method : 'start');
}
