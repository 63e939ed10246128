/**
 * The rate limits' own parts: which address a request counts against (TRUST_PROXY), the log
 * throttle, and the PostgreSQL store shared by two limiter instances (two app instances) on a
 * migrated database.
 */
import type { IncomingMessage } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKey, clientAddress, createLogThrottle, createRateLimits } from '../../src/app/rate-limits.ts';
import { isLeadbotError, RateLimitedError } from '../../src/core/errors.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { silentLogger } from '../helpers/engine.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';

const req = (remoteAddress: string, forwarded?: string) =>
  ({
    socket: { remoteAddress },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  }) as unknown as IncomingMessage;

describe('client address', () => {
  it('ignores X-Forwarded-For without TRUST_PROXY, and takes the Nth entry from the right with it', () => {
    expect(clientAddress(req('10.0.0.5', '1.2.3.4'), 0)).toBe('10.0.0.5');
    // One proxy: it appended the address it saw; what the client wrote further left is ignored.
    expect(clientAddress(req('10.0.0.5', 'forged, 1.2.3.4'), 1)).toBe('1.2.3.4');
    expect(clientAddress(req('10.0.0.5', 'forged, 1.2.3.4, 10.0.0.9'), 2)).toBe('1.2.3.4');
    // Fewer entries than trusted hops: the leftmost there is.
    expect(clientAddress(req('10.0.0.5', '1.2.3.4'), 3)).toBe('1.2.3.4');
    expect(clientAddress(req('10.0.0.5'), 1)).toBe('10.0.0.5');
  });

  it('normalizes addresses: IPv4-mapped, ports, IPv6 per /64', () => {
    expect(addressKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(addressKey('203.0.113.7:4711')).toBe('203.0.113.7');
    expect(addressKey('[2001:db8:1:2:3:4:5:6]:443')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::99')).toBe(addressKey('2001:0db8:0001:0002:ffff::1'));
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('log throttle', () => {
  it('lets one line a minute through per key and counts the rest', () => {
    let now = 0;
    const note = createLogThrottle(() => now);
    expect(note('a')).toBe(0);
    expect(note('a')).toBeNull();
    expect(note('a')).toBeNull();
    expect(note('b')).toBe(0);
    now += 59_999;
    expect(note('a')).toBeNull();
    now += 1;
    expect(note('a')).toBe(3);
  });

  it('stays bounded under many keys', () => {
    let now = 0;
    const note = createLogThrottle(() => now, 60_000, 100);
    for (let i = 0; i < 1000; i++) note(`k${i}`);
    now += 1;
    expect(note('k999')).toBeNull(); // recent keys are kept
    expect(note('k0')).toBe(0); // the oldest were dropped
  });
});

describe('memory limits', () => {
  it('refuses with a RateLimitedError carrying Retry-After seconds and a message for the person', async () => {
    const limits = createRateLimits({
      limits: { chatIp: { points: 3, seconds: 60 }, chatVisitor: null, login: null, link: null },
      trustProxy: 0,
      logger: silentLogger,
    });
    const r = req('127.0.0.7');
    for (let i = 0; i < 3; i++) await limits.chat.request(r);
    const err = await limits.chat.request(r).catch((e: unknown) => e);
    expect(isLeadbotError(err, 'RATE_LIMITED')).toBe(true);
    expect((err as RateLimitedError).retryAfterSeconds).toBeGreaterThan(50);
    expect((err as RateLimitedError).userMessage).toMatch(/wait \d+ seconds/);
    // Off means off.
    for (let i = 0; i < 100; i++) await limits.chat.visitor('v', r);
    await limits.close();
  });
});

describe('PostgreSQL store', () => {
  let db: TestDatabase | null;
  beforeAll(async () => {
    db = await createTestDatabase();
    if (db) await migrateDatabase(db.url, { logger: pino({ level: 'silent' }) });
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('shares one budget between two instances', async (ctx) => {
    if (!db) return ctx.skip();
    const options = {
      limits: {
        chatIp: { points: 5, seconds: 60 },
        chatVisitor: null,
        login: { points: 2, seconds: 60 },
        link: null,
      },
      trustProxy: 0,
      logger: silentLogger,
      databaseUrl: db.url,
    };
    const [a, b] = [createRateLimits(options), createRateLimits(options)];
    try {
      const client = req('198.51.100.20');
      const outcomes: string[] = [];
      for (const instance of [a, b, a, b, a, b, a]) {
        outcomes.push(
          await instance.chat.request(client).then(
            () => 'ok',
            (e: unknown) => (e instanceof RateLimitedError ? '429' : `error ${String(e)}`),
          ),
        );
      }
      console.log(`[rate-limits] two instances on PostgreSQL, budget 5: ${outcomes.join(' ')}`);
      expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', '429', '429']);
      // Another client has its own budget; the count is in the table both instances read.
      await a.chat.request(req('198.51.100.21'));
      const { default: pg } = await import('pg');
      const raw = new pg.Client({ connectionString: db.url });
      await raw.connect();
      const { rows } = await raw.query<{ key: string; points: number }>(
        'SELECT key, points FROM "RateLimit" ORDER BY key',
      );
      await raw.end();
      expect(rows).toEqual([
        { key: 'chat-ip:198.51.100.20', points: expect.any(Number) },
        { key: 'chat-ip:198.51.100.21', points: 1 },
      ]);
      expect(rows[0]!.points).toBeGreaterThanOrEqual(6);

      // Login failures too: two on one instance, the other refuses the third before it is tried.
      const guesser = req('198.51.100.30');
      await a.login.failed(guesser, 'form');
      await b.login.failed(guesser, 'bearer');
      await b.login.admit(guesser); // at the limit, not over it
      expect(await a.login.failed(guesser, 'form').catch((e: unknown) => e)).toBeInstanceOf(RateLimitedError);
      expect(await b.login.admit(guesser).catch((e: unknown) => e)).toBeInstanceOf(RateLimitedError);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('counts in memory when the table cannot be reached, rather than failing requests', async (ctx) => {
    if (!db) return ctx.skip();
    const limits = createRateLimits({
      limits: { chatIp: { points: 2, seconds: 60 }, chatVisitor: null, login: null, link: null },
      trustProxy: 0,
      logger: silentLogger,
      databaseUrl: `${db.url.replace(/\/[^/]+$/, '/')}leadbot_no_such_database`,
    });
    try {
      const client = req('198.51.100.40');
      await limits.chat.request(client);
      await limits.chat.request(client);
      expect(await limits.chat.request(client).catch((e: unknown) => e)).toBeInstanceOf(RateLimitedError);
    } finally {
      await limits.close();
    }
  });
});
