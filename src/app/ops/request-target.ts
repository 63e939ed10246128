/**
 * What the router reads from a request before choosing a route: its path, and whether it came
 * over https. Pure functions of the request line and headers, so odd input gets a 4xx here
 * instead of an exception in a handler.
 */
import type { IncomingMessage } from 'node:http';

/**
 * The path to route on, or null for a request target the app cannot serve: not `/…` (or a full
 * `http(s)://` URL), percent-escapes that do not decode to UTF-8 (`%zz`, `%ff`), or escapes
 * of control characters such as `%00` — a handler decoding those would fail, and a NUL would
 * make PostgreSQL refuse a query.
 */
export function routePath(url: string | undefined): string | null {
  if (!url) return null;
  let target = url;
  if (!target.startsWith('/')) {
    // The absolute form a proxy may send (RFC 9112 §3.2.2): only its path and query count.
    const absolute = /^https?:\/\/[^/?#]*/i.exec(target);
    if (!absolute) return null;
    target = target.slice(absolute[0].length) || '/';
    if (!target.startsWith('/')) target = `/${target}`;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    return null;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (/[\u0000-\u001F\u007F]/.test(decoded)) return null;
  return target.split(/[?#]/, 1)[0] || '/';
}

/**
 * True when the client reached us over https: a TLS socket, or a proxy in front saying so in
 * `X-Forwarded-Proto` (its first value is the client's side). Trusting the header without
 * TRUST_PROXY is safe for its one use here, HSTS: browsers ignore that header over plain http.
 */
export function cameOverHttps(req: IncomingMessage): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
  const forwarded = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first?.toLowerCase() === 'https';
}
