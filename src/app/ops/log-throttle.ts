/**
 * At most one log line per key and interval. A probe that fails every second (a load balancer
 * polling `/healthz` while the database is down) or a flood of refused connections must not
 * turn into a line per request; the line that does get written says how many were left out.
 */
export interface LogThrottle {
  /**
   * Null when a line for `key` was written less than the interval ago (the call is counted);
   * otherwise how many calls were left out since the last line, and the next line is due one
   * interval from now.
   */
  take(key: string): { suppressed: number } | null;
}

/** A throttle of one line per `intervalMs` (default a minute) per key. */
export function createLogThrottle(intervalMs = 60_000, now: () => number = Date.now): LogThrottle {
  const last = new Map<string, { at: number; suppressed: number }>();
  return {
    take(key) {
      const t = now();
      const seen = last.get(key);
      if (seen && t - seen.at < intervalMs) {
        seen.suppressed += 1;
        return null;
      }
      // Keys are a handful of fixed names; entries older than the interval are dropped anyway.
      if (last.size > 1000) for (const [k, v] of last) if (t - v.at >= intervalMs) last.delete(k);
      last.set(key, { at: t, suppressed: 0 });
      return { suppressed: seen?.suppressed ?? 0 };
    },
  };
}
