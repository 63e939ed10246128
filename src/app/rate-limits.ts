/**
 * Request budgets of anonymous clients, with rate-limiter-flexible: web chat requests per client
 * address and per visitor, and failed dashboard logins (form or Bearer) per client address.
 *
 * Counts live in process memory, or — when `DATABASE_URL` is PostgreSQL — in the `RateLimit`
 * table (created by a migration) through the library's PostgreSQL store on a small pool of its
 * own, so several instances behind a load balancer share each client's budget. If that database
 * does not answer, each process counts in memory meanwhile (the library's insurance limiter)
 * rather than refusing or letting everything through. A client over its budget is also blocked
 * in process memory until its window ends, so a flood costs no database round trip.
 *
 * A refusal is a {@link RateLimitedError} (HTTP 429, `Retry-After`). Refusals are logged once per
 * client and limit per minute, with the count of those not logged, never once per request.
 */

import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type pg from 'pg';
import type * as Flexible from 'rate-limiter-flexible';
import type { ClientLimits } from '../../adapters/shared/types.ts';
import { RateLimitedError } from '../core/errors.ts';
import type { Logger } from '../core/ports/index.ts';
import type { AppConfig, RateLimit } from './config.ts';

// The library's index loads every store it supports (Redis, Mongo, DynamoDB, … 36 modules); each
// class is its own CommonJS file, so only the ones used are required, and pg only on PostgreSQL.
const require = createRequire(import.meta.url);
const RateLimiterMemory =
  require('rate-limiter-flexible/lib/RateLimiterMemory.js') as typeof Flexible.RateLimiterMemory;
const RateLimiterRes =
  require('rate-limiter-flexible/lib/RateLimiterRes.js') as typeof Flexible.RateLimiterRes;
type RateLimiterRes = Flexible.RateLimiterRes;

/** The table of the PostgreSQL store (see prisma/sqlite/schema.prisma, model RateLimit). */
export const RATE_LIMIT_TABLE = 'RateLimit';
/** How often expired counters are deleted on PostgreSQL, and how long after expiry. */
const PRUNE_EVERY_MS = 5 * 60_000;
const PRUNE_AFTER_MS = 60 * 60_000;

/** Failed dashboard logins and wrong Bearer tokens, per client address. */
export interface LoginLimits {
  /** Refuses a client already over its budget, before it may try (so guessing stops there). */
  admit(req: IncomingMessage): Promise<void>;
  /** Counts one failed attempt and logs it (once a minute per client); refuses when it went over. */
  failed(req: IncomingMessage, how: 'form' | 'bearer'): Promise<void>;
}

export interface RateLimits {
  /** For the web chat adapter (`AdapterDeps.limits`). */
  chat: ClientLimits;
  /** For booking links (`GET /r/<id>`, src/app/booking-route.ts), per client address. */
  links: Pick<ClientLimits, 'request'>;
  /** For the dashboard's login form and Bearer header. */
  login: LoginLimits;
  /** The client address a request counts against (TRUST_PROXY applied). */
  clientOf(req: IncomingMessage): string;
  close(): Promise<void>;
}

export interface RateLimitsOptions {
  limits: AppConfig['rateLimits'];
  trustProxy: number;
  logger: Logger;
  /** A PostgreSQL URL shares the counts between instances; anything else counts in memory. */
  databaseUrl?: string;
  /** Time for the log throttle (tests move it by hand); the limiter itself uses the real clock. */
  now?: () => number;
}

/** Builds the limits; with a PostgreSQL URL it opens a pool of two connections (closed by `close`). */
export function createRateLimits(opts: RateLimitsOptions): RateLimits {
  const log = opts.logger.child({ component: 'rate-limits' });
  const throttle = createLogThrottle(opts.now ?? Date.now);
  const anyOn = Object.values(opts.limits).some((limit) => limit !== null);
  const onPostgres = !!opts.databaseUrl && /^postgres(ql)?:\/\//.test(opts.databaseUrl);
  const shared = anyOn && onPostgres ? openPool(opts.databaseUrl!, log) : null;
  const clientOf = (req: IncomingMessage) => clientAddress(req, opts.trustProxy);

  const chatIp = budget('chat-ip', opts.limits.chatIp, shared);
  const chatVisitor = budget('chat-visitor', opts.limits.chatVisitor, shared);
  const login = budget('login', opts.limits.login, shared);
  const link = budget('link', opts.limits.link, shared);

  /** Logs a refusal once a minute per client and limit. */
  function refused(
    limit: string,
    client: string,
    err: RateLimitedError,
    extra: Record<string, unknown> = {},
  ) {
    const suppressed = throttle(`${limit}|${client}`);
    if (suppressed !== null)
      log.warn(
        { limit, client, retryAfter: err.retryAfterSeconds, refusedSinceLastLine: suppressed, ...extra },
        'rate limit reached',
      );
  }

  /** Takes a point of `key`'s budget; a refusal is logged (throttled) and thrown. */
  const spend = (b: Budget, limit: string, key: string, message: (seconds: number) => string) =>
    b.consume(key, message).catch((err) => {
      if (err instanceof RateLimitedError) refused(limit, key, err);
      throw err;
    });

  const chatMessage = (s: number) =>
    `You are sending messages faster than we can answer. Please wait ${s} seconds and try again.`;
  const loginMessage = (s: number) =>
    `Too many failed attempts from your address. Please wait ${Math.ceil(s / 60)} minutes and try again.`;

  return {
    clientOf,
    chat: {
      request: (req) => spend(chatIp, 'chat-ip', clientOf(req), chatMessage),
      async visitor(id, req) {
        await chatVisitor.consume(id, chatMessage).catch((err) => {
          if (err instanceof RateLimitedError) refused('chat-visitor', id, err, { ip: clientOf(req) });
          throw err;
        });
      },
    },
    links: { request: (req) => spend(link, 'link', clientOf(req), chatMessage) },
    login: {
      async admit(req) {
        const client = clientOf(req);
        await login.check(client, loginMessage).catch((err) => {
          if (err instanceof RateLimitedError) refused('login', client, err);
          throw err;
        });
      },
      async failed(req, how) {
        const client = clientOf(req);
        // Each failure used to be a line; now one a minute per address, with the count.
        const suppressed = throttle(`failed-login|${client}`);
        if (suppressed !== null)
          log.warn({ client, how, failuresSinceLastLine: suppressed }, 'dashboard login refused');
        await login.consume(client, loginMessage).catch((err) => {
          if (err instanceof RateLimitedError) refused('login', client, err);
          throw err;
        });
      },
    },
    async close() {
      if (shared) await shared.close();
    },
  };
}

interface Budget {
  /** Takes one point of `key`'s budget; rejects with RateLimitedError when it is spent. */
  consume(key: string, message: (seconds: number) => string): Promise<void>;
  /** Rejects with RateLimitedError when `key`'s budget is already spent; takes nothing. */
  check(key: string, message: (seconds: number) => string): Promise<void>;
}

interface SharedStore {
  pool: pg.Pool;
  schemaName?: string;
  close(): Promise<void>;
}

/** One limit; `null` (configured `off`) lets everything through. */
function budget(name: string, limit: RateLimit, shared: SharedStore | null): Budget {
  if (!limit) return { consume: async () => {}, check: async () => {} };
  const base = { keyPrefix: name, points: limit.points, duration: limit.seconds };
  const memory = new RateLimiterMemory(base);
  const limiter = shared
    ? new (
        require('rate-limiter-flexible/lib/RateLimiterPostgres.js') as typeof Flexible.RateLimiterPostgres
      )({
        ...base,
        storeClient: shared.pool,
        tableName: RATE_LIMIT_TABLE,
        ...(shared.schemaName ? { schemaName: shared.schemaName } : {}),
        tableCreated: true, // by the migration
        clearExpiredByTimeout: false, // openPool prunes, on a timer close() stops
        inMemoryBlockOnConsumed: limit.points + 1,
        insuranceLimiter: new RateLimiterMemory(base),
      })
    : memory;
  const refusal = (res: RateLimiterRes, message: (seconds: number) => string) => {
    const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return new RateLimitedError(
      `${name} limit of ${limit.points}/${limit.seconds}s reached`,
      seconds,
      message(seconds),
    );
  };
  return {
    async consume(key, message) {
      try {
        await limiter.consume(key);
      } catch (err) {
        throw err instanceof RateLimiterRes ? refusal(err, message) : err;
      }
    },
    async check(key, message) {
      const res = await limiter.get(key);
      if (res && res.consumedPoints > limit.points) throw refusal(res, message);
    },
  };
}

function openPool(databaseUrl: string, log: Logger): SharedStore {
  const schemaName = new URL(databaseUrl).searchParams.get('schema') ?? undefined;
  const { Pool } = require('pg') as typeof pg;
  const pool = new Pool({ connectionString: databaseUrl, max: 2, idleTimeoutMillis: 30_000 });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', (err) => log.warn({ err: err.message }, 'rate limit pool connection lost'));
  const table = schemaName
    ? `"${schemaName.replaceAll('"', '""')}"."${RATE_LIMIT_TABLE}"`
    : `"${RATE_LIMIT_TABLE}"`;
  const prune = setInterval(() => {
    pool.query(`DELETE FROM ${table} WHERE expire < $1`, [Date.now() - PRUNE_AFTER_MS]).catch(() => {
      // Not critical: the next round deletes them.
    });
  }, PRUNE_EVERY_MS);
  prune.unref();
  return {
    pool,
    ...(schemaName ? { schemaName } : {}),
    async close() {
      clearInterval(prune);
      await pool.end();
    },
  };
}

/**
 * Returns a function that, for a key, answers the number of events not logged since its last
 * line when a line is due (at most one per key per minute), else null. Bounded: keys whose
 * minute is over are dropped first, and past 10,000 live keys the oldest go.
 */
export function createLogThrottle(now: () => number, windowMs = 60_000, maxKeys = 10_000) {
  const seen = new Map<string, { until: number; suppressed: number }>();
  return (key: string): number | null => {
    const t = now();
    const entry = seen.get(key);
    if (entry && entry.until > t) {
      entry.suppressed += 1;
      return null;
    }
    const suppressed = entry?.suppressed ?? 0;
    seen.delete(key);
    if (seen.size >= maxKeys) {
      for (const [k, v] of seen) if (v.until <= t) seen.delete(k);
      for (const k of seen.keys()) {
        if (seen.size < maxKeys) break;
        seen.delete(k);
      }
    }
    seen.set(key, { until: t + windowMs, suppressed: 0 });
    return suppressed;
  };
}

/**
 * The address a request counts against. With `trustProxy` = N the client is the address the
 * outermost of the N trusted proxies saw: the Nth entry of `X-Forwarded-For` from the right
 * (the socket address counted as the rightmost). Entries further left were written by the
 * client and are ignored. IPv6 clients count per /64, the block one subscriber usually holds.
 */
export function clientAddress(req: IncomingMessage, trustProxy: number): string {
  const socket = req.socket.remoteAddress ?? 'unknown';
  const chain = [socket];
  if (trustProxy > 0) {
    const header = req.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    chain.unshift(...forwarded);
  }
  const picked = chain[Math.max(0, chain.length - 1 - trustProxy)] ?? socket;
  return addressKey(picked);
}

/** Normalizes an address: IPv4-mapped IPv6 to IPv4, ports dropped, IPv6 to its /64. */
export function addressKey(raw: string): string {
  let a = raw.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(a);
  if (v4WithPort) a = v4WithPort[1]!;
  a = a.replace(/%.*$/, '');
  if (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4) return a.slice(7);
  if (isIP(a) !== 6) return a.slice(0, 64); // IPv4, or whatever a proxy wrote: counted as it is
  const [head = '', tail = ''] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = a.includes('::') && tail ? tail.split(':') : [];
  const groups = a.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
