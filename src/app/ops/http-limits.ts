/**
 * Limits of the app's HTTP server (src/app/http-server.ts): how long a client may take to send
 * a request, how many connections are served at once, how large a body may be. Node's own
 * defaults (60 s for headers, 300 s for a request, checked only every 30 s, no connection cap)
 * let one client hold connections open with a byte per second ("slow loris"). Read from the
 * environment as a config section beside the adapters' (`config.adapters.http`).
 */
import { z } from 'zod';
import { ConfigError, type ConfigSection, type Env } from '../config.ts';

export interface HttpLimits {
  /** Time to receive a request's headers (Node: `server.headersTimeout`). */
  headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body (Node: `server.requestTimeout`). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open (Node: `server.keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /** Connections served at once; more are closed on arrival (Node: `server.maxConnections`). */
  maxConnections: number;
  /**
   * The largest body of a route that declares no cap of its own. GET and HEAD routes take no
   * body unless they declare one.
   */
  maxBodyBytes: number;
}

/**
 * Headers come in one packet from every real client, so 10 s is generous. A whole request here
 * is at most a few hundred KiB (webhooks, chat messages): 30 s allows 10 KB/s. Keep-alive is
 * Node's 5 s — behind a proxy that reuses connections, set it above the proxy's idle timeout.
 * 1,000 connections is far above what one instance serves (each chat request takes
 * milliseconds) and far below the file descriptors Node allows itself.
 */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1000,
  maxBodyBytes: 1024 * 1024,
};

/** How each limit is set from the environment (seconds for times), with its documentation. */
const SETTINGS = {
  HTTP_HEADERS_TIMEOUT_SECONDS: { key: 'headersTimeoutMs', scale: 1000 },
  HTTP_REQUEST_TIMEOUT_SECONDS: { key: 'requestTimeoutMs', scale: 1000 },
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: { key: 'keepAliveTimeoutMs', scale: 1000 },
  HTTP_MAX_CONNECTIONS: { key: 'maxConnections', scale: 1 },
  HTTP_MAX_BODY_BYTES: { key: 'maxBodyBytes', scale: 1 },
} as const satisfies Record<string, { key: keyof HttpLimits; scale: number }>;

export const HTTP_VARIABLES = Object.keys(SETTINGS) as (keyof typeof SETTINGS)[];

const positive = z.coerce.number().positive().finite();

/** Reads the limits; unset variables keep {@link DEFAULT_HTTP_LIMITS}. */
export function parseHttpLimits(env: Env): HttpLimits {
  const limits = { ...DEFAULT_HTTP_LIMITS };
  for (const name of HTTP_VARIABLES) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const { key, scale } = SETTINGS[name];
    const parsed = positive.safeParse(raw);
    const value = parsed.success ? Math.round(parsed.data * scale) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < 1) {
      const unit = scale === 1000 ? 'a number of seconds, e.g. 30' : 'a whole number above 0';
      throw new ConfigError(name, 'is not a positive number', `use ${unit}`, raw);
    }
    limits[key] = value;
  }
  // Node refuses a server whose headers may take longer than the whole request.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ConfigError(
      'HTTP_HEADERS_TIMEOUT_SECONDS',
      'is longer than HTTP_REQUEST_TIMEOUT_SECONDS',
      'the headers are part of the request: make it at most the request timeout',
      String(limits.headersTimeoutMs / 1000),
    );
  }
  return limits;
}

/** The section read with the rest of the configuration (no prefix guard: `HTTP_PROXY` is common). */
export const httpSection: ConfigSection<HttpLimits> = {
  name: 'http',
  variables: HTTP_VARIABLES,
  parse: parseHttpLimits,
};
