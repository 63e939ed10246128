/**
 * Dashboard sessions and login guessing on the app's real HTTP server, with the sessions in a
 * real SQLite database and clocks moved by hand: a login opens a random, server-side session
 * (only its hash stored) with sliding expiry; logout revokes it; an expired one is refused;
 * failed logins and wrong Bearer tokens are limited per address, logged once a minute.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/app/http-server.ts';
import { createRateLimits, type RateLimits } from '../../src/app/rate-limits.ts';
import { mountDashboard } from '../../src/app/web/dashboard.ts';
import type { LeadStore, Logger } from '../../src/core/ports/index.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestClock, silentLogger } from '../helpers/engine.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

const TOKEN = 'dashboard-auth-test-Token-7fQ2';
const db = tempSqliteUrl();
const clock = createTestClock();
let throttleNow = 0;
let store: LeadStore;
let http: HttpServer;
let limits: RateLimits;
let port: number;
const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];

/** Keeps every log line (warn and error matter here). */
const logger: Logger = {
  debug: (obj, msg) => lines.push({ level: 'debug', obj: obj as Record<string, unknown>, msg }),
  info: (obj, msg) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
  warn: (obj, msg) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
  error: (obj, msg) => lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
  child: () => logger,
};

beforeAll(async () => {
  await migrateDatabase(db.url, { logger: pino({ level: 'silent' }) });
  store = await openStore(db.url, { logger: silentLogger });
  limits = createRateLimits({
    limits: { chatIp: null, chatVisitor: null, login: { points: 10, seconds: 900 }, link: null },
    trustProxy: 0,
    logger,
    now: () => throttleNow,
  });
  http = createHttpServer({ logger });
  mountDashboard(http, { store, token: TOKEN, logger, clock, sessionHours: 12, limits: limits.login });
  ({ port } = await http.listen(0, '127.0.0.1'));
});
afterAll(async () => {
  await http?.close();
  await limits?.close();
  await store?.close();
  db.cleanup();
});

/** One request from the given local address (Linux answers on all of 127.0.0.0/8). */
function call(
  method: string,
  path: string,
  opts: { from?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        localAddress: opts.from ?? '127.0.0.1',
        headers: {
          ...(opts.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    r.on('error', reject);
    r.end(opts.body);
  });
}

const login = (token: string, from?: string) =>
  call('POST', '/dashboard/login', { from, body: new URLSearchParams({ token }).toString() });
const cookieOf = (setCookie: string | string[] | undefined) => String(setCookie).split(';')[0]!;
const page = (cookie: string) => call('GET', '/dashboard/leads', { headers: { cookie } });

describe('dashboard sessions', () => {
  it('opens a random session per login, stores only its hash, and revokes it at logout', async () => {
    const first = await login(TOKEN);
    const second = await login(TOKEN);
    expect(first.status).toBe(303);
    const [a, b] = [cookieOf(first.headers['set-cookie']), cookieOf(second.headers['set-cookie'])];
    expect(a).not.toBe(b);
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict; Max-Age=43200/);
    const id = a.split('=')[1]!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const { default: Database } = await import('better-sqlite3');
    const file = new Database(db.url.slice('file:'.length), { readonly: true });
    const rows = file.prepare('SELECT "idHash" FROM "DashboardSession"').all() as { idHash: string }[];
    file.close();
    expect(rows.map((r) => r.idHash)).toContain(createHash('sha256').update(id).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(id);

    expect((await page(a)).status).toBe(200);
    const out = await call('POST', '/dashboard/logout', { headers: { cookie: a } });
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0/);
    expect((await page(a)).status).toBe(401); // the cookie kept by a thief is dead too
    expect((await page(b)).status).toBe(200); // another login is untouched
  });

  it('slides the expiry with each use and refuses a session left alone too long', async () => {
    const cookie = cookieOf((await login(TOKEN)).headers['set-cookie']);
    clock.advance(11 * 3_600_000);
    const used = await page(cookie);
    expect(used.status).toBe(200);
    expect(String(used.headers['set-cookie'])).toMatch(/Max-Age=43200/); // the browser's copy slides too
    clock.advance(11 * 3_600_000); // 22 h after login, 11 h after the last use
    expect((await page(cookie)).status).toBe(200);
    clock.advance(12 * 3_600_000 + 1000);
    const expired = await call('GET', '/dashboard/leads', { headers: { cookie, accept: 'text/html' } });
    expect(expired.status).toBe(303);
    expect(expired.headers.location).toBe('/dashboard/login');
    expect((await page('leadbot_dashboard=not-a-session')).status).toBe(401);
  });

  it('answers a login body over 4 KB with 413 and no stack in the log', async () => {
    const before = lines.length;
    const big = await call('POST', '/dashboard/login', {
      from: '127.0.0.40',
      body: `token=${'x'.repeat(5000)}`,
    });
    expect(big.status).toBe(413);
    expect(big.text).toContain('larger than 4096 bytes');
    expect(lines.slice(before).filter((l) => l.level === 'error')).toEqual([]);
  });
});

describe('login guessing', () => {
  it('answers 429 after 10 failures from one address, logs one line a minute, leaves other addresses alone', async () => {
    const guesser = '127.0.0.41';
    const before = lines.length;
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await login(`wrong-guess-${i}`, guesser)).status);
    const right = await login(TOKEN, guesser); // even the right token: guessing must stop somewhere
    const bearer = await call('GET', '/dashboard/leads', {
      from: guesser,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const limited = statuses.filter((s) => s === 429).length;
    const logged = lines.slice(before).filter((l) => l.level === 'warn');
    console.log(
      `[login-guessing] 25 wrong logins from one address: ${statuses.filter((s) => s === 401).length} × 401, ` +
        `${limited} × 429 (Retry-After ${right.headers['retry-after']} s); ${logged.length} warn lines`,
    );
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(15).fill(429));
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(800);
    expect(right.text).toMatch(/Too many failed attempts/);
    expect(bearer.status).toBe(429);
    // One line for the failures, one for the refusals, in this minute.
    expect(logged.map((l) => l.msg).sort()).toEqual(['dashboard login refused', 'rate limit reached']);
    expect(logged.every((l) => l.obj.client === guesser)).toBe(true);

    // A minute later the next refusal is logged again, with how many were not.
    throttleNow += 60_000;
    expect((await login('again', guesser)).status).toBe(429);
    const next = lines.slice(before + logged.length).filter((l) => l.level === 'warn');
    expect(next).toHaveLength(1);
    expect(next[0]!.obj.refusedSinceLastLine).toBe(16);

    // Someone else is not affected.
    expect((await login('typo', '127.0.0.42')).status).toBe(401);
    expect((await login(TOKEN, '127.0.0.42')).status).toBe(303);
  });

  it('counts wrong Bearer tokens like failed logins', async () => {
    const script = '127.0.0.43';
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (
          await call('GET', '/dashboard/leads', {
            from: script,
            headers: { authorization: `Bearer guess-${i}` },
          })
        ).status,
      );
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    const ok = await call('GET', '/dashboard/leads', {
      from: '127.0.0.44',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(ok.status).toBe(200);
  });
});
