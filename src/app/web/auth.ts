/**
 * Dashboard access. One shared secret, `DASHBOARD_TOKEN`, accepted two ways: a login form
 * that sets an HttpOnly, SameSite=Strict cookie (for people), or an `Authorization: Bearer`
 * header (for scripts and the CSV download with curl). The cookie holds an HMAC of the token,
 * not the token, and every comparison is constant-time.
 * When `DASHBOARD_TOKEN` is unset, `leadbot start` generates one and prints it once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 'leadbot_dashboard';

/** A random token for a run without DASHBOARD_TOKEN. */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface DashboardAuth {
  /** True when the request carries the token (Bearer) or a valid session cookie. */
  allows(req: IncomingMessage): boolean;
  /** True when `candidate` is the token (the login form). */
  checks(candidate: string): boolean;
  /** The Set-Cookie header value after a successful login. */
  sessionCookie(secure: boolean): string;
  clearCookie(): string;
}

export function createDashboardAuth(token: string): DashboardAuth {
  const session = createHmac('sha256', token).update('leadbot-dashboard-session').digest('base64url');
  return {
    allows(req) {
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer ') && same(auth.slice(7).trim(), token)) return true;
      const cookie = parseCookies(req.headers.cookie)[COOKIE];
      return cookie !== undefined && same(cookie, session);
    },
    checks: (candidate) => same(candidate, token),
    sessionCookie: (secure) =>
      `${COOKIE}=${session}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${12 * 3600}${secure ? '; Secure' : ''}`,
    clearCookie: () => `${COOKIE}=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0`,
  };
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}
