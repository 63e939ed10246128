/**
 * The one error family of leadbot. `message` is for logs; `userMessage` is safe to show
 * to a person or an operator and says what to do.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'FLOW_INVALID'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'DUPLICATE'
  | 'STORE_UNAVAILABLE'
  | 'MIGRATION_FAILED'
  /** The database lacks migrations this version needs (`leadbot migrate` applies them). */
  | 'NOT_MIGRATED'
  | 'PLATFORM_ERROR'
  | 'FORBIDDEN'
  | 'BAD_INPUT'
  /** A request body over the route's cap (HTTP 413). */
  | 'TOO_LARGE'
  /** A client over its rate limit (HTTP 429); `retryAfterSeconds` on {@link RateLimitedError}. */
  | 'RATE_LIMITED';

export class LeadbotError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;

  constructor(code: ErrorCode, message: string, options?: { userMessage?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LeadbotError';
    this.code = code;
    this.userMessage = options?.userMessage ?? message;
  }
}

/** Another writer changed the row first (optimistic version check failed). Retry the event. */
export class ConflictError extends LeadbotError {
  constructor(message: string) {
    super('CONFLICT', message);
    this.name = 'ConflictError';
  }
}

/** A client went over a rate limit; it may try again after `retryAfterSeconds`. */
export class RateLimitedError extends LeadbotError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, userMessage?: string) {
    super('RATE_LIMITED', message, userMessage === undefined ? undefined : { userMessage });
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

export function isLeadbotError(err: unknown, code?: ErrorCode): err is LeadbotError {
  return err instanceof LeadbotError && (code === undefined || err.code === code);
}
