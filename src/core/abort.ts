/**
 * Waiting that stops on an `AbortSignal`. A signal to stop (SIGINT/SIGTERM while starting)
 * must end every wait at once instead of after the wait's own timeout; these reject with
 * `signal.reason`, so the caller can tell "asked to stop" from a failure by identity.
 */

/** Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return raceSignal(new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.()), signal);
}

/**
 * Settles like `promise`, or rejects with `signal.reason` as soon as the signal aborts. The
 * work behind `promise` is not cancelled: whoever started it still owns closing it.
 */
export function raceSignal<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined); // its outcome no longer matters; it must not go unhandled
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
