/** Dashboard login sessions. */

/**
 * Dashboard login sessions (src/app/web/auth.ts). The store only ever sees a hash of the random
 * session id the cookie carries, so its rows cannot be replayed as cookies.
 */
export interface SessionStore {
  /** Stores a new session. */
  create(session: { idHash: string; now: Date; expiresAt: Date }): Promise<void>;
  /**
   * When the session exists and has not expired at `now`, moves its expiry to `expiresAt`
   * (sliding expiry) and returns true; otherwise false. One atomic step.
   */
  touch(idHash: string, now: Date, expiresAt: Date): Promise<boolean>;
  /** Deletes the session (logout); an unknown id is ignored. */
  revoke(idHash: string): Promise<void>;
  /** Deletes the sessions that expired before `now`; returns how many. */
  prune(now: Date): Promise<number>;
}
