/**
 * What a sink tells the outbox dispatcher when a delivery fails. Sinks translate their
 * platform's errors into this at one place (e.g. `adapters/slack/errors.ts`); the
 * dispatcher only reads the two hints, so it stays platform-free.
 */
import { LeadbotError } from '../errors.ts';

export interface DeliveryHints {
  /** The platform asked to wait this long (HTTP 429 `Retry-After`). */
  retryAfterMs?: number;
  /** Retrying cannot help (bad token, unknown channel, invalid payload): fail now. */
  permanent: boolean;
}

/** A failed delivery, with the hints the dispatcher needs to schedule the next attempt. */
export class DeliveryError extends LeadbotError {
  readonly retryAfterMs: number | undefined;
  readonly permanent: boolean;

  constructor(
    message: string,
    options: { retryAfterMs?: number; permanent?: boolean; cause?: unknown; userMessage?: string } = {},
  ) {
    super('PLATFORM_ERROR', message, { cause: options.cause, userMessage: options.userMessage });
    this.name = 'DeliveryError';
    this.retryAfterMs = options.retryAfterMs;
    this.permanent = options.permanent ?? false;
  }
}

/**
 * Reads the hints from any thrown value: a {@link DeliveryError}, or any error object that
 * carries a numeric `retryAfterMs` / boolean `permanent` (sinks written without this class).
 * Anything else counts as transient (network error, 5xx): retried with backoff.
 */
export function deliveryHints(err: unknown): DeliveryHints {
  if (typeof err !== 'object' || err === null) return { permanent: false };
  const e = err as { retryAfterMs?: unknown; permanent?: unknown };
  const retryAfterMs =
    typeof e.retryAfterMs === 'number' && Number.isFinite(e.retryAfterMs) && e.retryAfterMs >= 0
      ? e.retryAfterMs
      : undefined;
  return { retryAfterMs, permanent: e.permanent === true };
}
