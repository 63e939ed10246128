/**
 * Bounded retries of Bot API calls that got no answer (grammY's `HttpError`: connection
 * refused, reset, DNS, timeout). `@grammyjs/auto-retry` retries those forever with a backoff
 * that grows to an hour, so a send to an unreachable API never returned; it is told to rethrow
 * them (`rethrowHttpErrors`) and this transformer retries a few times instead, then lets the
 * error through: the caller (the engine's reply, the outbox, grammY's polling loop, `start`)
 * decides what comes next. Rate limits (429) and 5xx answers stay auto-retry's.
 */
import { HttpError, type Transformer } from 'grammy';
import { sleep } from '../../src/core/abort.ts';

export interface NetworkRetryOptions {
  /** Tries in all, the first included (default 4: waits of 1, 2, 4 s in between). */
  attempts?: number;
  firstDelayMs?: number;
  /** A call gave up: the API was not reachable `attempts` times in a row. */
  onGiveUp?(method: string, err: HttpError): void;
  /** A call got an answer (of any kind): the API is reachable. */
  onAnswer?(method: string): void;
}

/** The transformer; install it with `bot.api.config.use(boundedNetworkRetry(...))`. */
export function boundedNetworkRetry(opts: NetworkRetryOptions = {}): Transformer {
  const attempts = opts.attempts ?? 4;
  const firstDelayMs = opts.firstDelayMs ?? 1000;
  return async (prev, method, payload, signal) => {
    let delay = firstDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await prev(method, payload, signal);
        opts.onAnswer?.(method);
        return result;
      } catch (err) {
        // An aborted call (stop, a start deadline) is not retried: whoever aborted is done with it.
        if (!(err instanceof HttpError) || signal?.aborted) throw err;
        if (attempt >= attempts) {
          opts.onGiveUp?.(method, err);
          throw err;
        }
        try {
          // grammY types the signal with its abort-controller shim; at run time it is Node's.
          await sleep(delay, signal as unknown as AbortSignal | undefined);
        } catch {
          throw err;
        }
        delay *= 2;
      }
    }
  };
}
