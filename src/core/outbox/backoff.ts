/** Retry delays for outbox deliveries: exponential with "equal jitter". */

export interface BackoffPolicy {
  /** Delay before the second attempt (before jitter). */
  baseMs: number;
  /** Ceiling of the exponential part. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 10 * 60_000 };

/**
 * Delay after the `attempt`-th failure (1-based): `min(max, base·2^(attempt-1))`, of which the
 * upper half is random. Half fixed so retries never bunch at zero; half random so several
 * dispatchers that failed together (a Slack outage) do not retry in lockstep.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const n = Math.max(1, Math.floor(attempt));
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n - 1, 30));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(exp / 2 + (exp / 2) * r);
}
