/**
 * Dashboard access. One shared secret, `DASHBOARD_TOKEN`, accepted two ways: a login form that
 * opens a session (for people), or an `Authorization: Bearer` header (for scripts and the CSV
 * download with curl).
 *
 * A session is a random 256-bit id in an HttpOnly, SameSite=Strict cookie. The store keeps only
 * its SHA-256 with a sliding expiry (each use moves it on; `DASHBOARD_SESSION_HOURS`, default
 * 12 h), so a stolen table opens nothing, a session left alone dies on the server, and logout
 * deletes it. Token comparisons hash both sides first and compare the fixed-length digests in
 * constant time, so neither the content nor the length of the token leaks through timing.
 * When `DASHBOARD_TOKEN` is unset, `leadbot start` generates one and prints it once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Clock, SessionStore } from '../../core/ports/index.ts';

export const COOKIE = 'leadbot_dashboard';

/** A random token for a run without DASHBOARD_TOKEN. */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** How a request is authenticated. A wrong Bearer token is told apart: it counts as a failed login. */
export type Access =
  | { kind: 'session'; cookie: string }
  | { kind: 'bearer' }
  | { kind: 'bad-bearer' }
  | { kind: 'none' };

export interface DashboardAuth {
  /** Who the request is; a valid session's expiry moves on (its refreshed cookie is returned). */
  identify(req: IncomingMessage): Promise<Access>;
  /** True when `candidate` is the token (the login form). */
  checks(candidate: string): boolean;
  /** Opens a session; returns the Set-Cookie header value. */
  login(req: IncomingMessage): Promise<string>;
  /** Revokes the request's session, if any; returns the Set-Cookie header that clears the cookie. */
  logout(req: IncomingMessage): Promise<string>;
}

export interface DashboardAuthDeps {
  token: string;
  sessions: SessionStore;
  clock: Clock;
  /** Sliding lifetime of a session. */
  sessionMs: number;
}

export function createDashboardAuth(deps: DashboardAuthDeps): DashboardAuth {
  const { sessions, clock, sessionMs } = deps;
  const tokenDigest = sha256(deps.token);
  const isToken = (candidate: string) => timingSafeEqual(sha256(candidate), tokenDigest);
  const idHash = (id: string) => sha256(id).toString('hex');
  const cookieFor = (req: IncomingMessage, id: string) =>
    `${COOKIE}=${id}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(sessionMs / 1000)}${
      isHttps(req) ? '; Secure' : ''
    }`;

  return {
    async identify(req) {
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer '))
        return isToken(auth.slice(7).trim()) ? { kind: 'bearer' } : { kind: 'bad-bearer' };
      const id = parseCookies(req.headers.cookie)[COOKIE];
      // Our ids are 43 base64url characters; anything else is not worth a database round trip.
      if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return { kind: 'none' };
      const now = clock.now();
      const alive = await sessions.touch(idHash(id), now, new Date(now.getTime() + sessionMs));
      return alive ? { kind: 'session', cookie: cookieFor(req, id) } : { kind: 'none' };
    },
    checks: isToken,
    async login(req) {
      const id = randomBytes(32).toString('base64url');
      const now = clock.now();
      // Logins are rare: a good moment to drop the sessions nobody came back to.
      await sessions.prune(now);
      await sessions.create({ idHash: idHash(id), now, expiresAt: new Date(now.getTime() + sessionMs) });
      return cookieFor(req, id);
    },
    async logout(req) {
      const id = parseCookies(req.headers.cookie)[COOKIE];
      if (id) await sessions.revoke(idHash(id));
      return `${COOKIE}=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0`;
    },
  };
}

/** Behind a TLS-terminating proxy the browser speaks https even though we see http. */
function isHttps(req: IncomingMessage): boolean {
  return req.headers['x-forwarded-proto'] === 'https';
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}
