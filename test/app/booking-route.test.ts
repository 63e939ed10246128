/**
 * `GET /r/<id>` through the app's HTTP server (#18), over a real SQLite store: a stored id
 * redirects to its target and counts the click; an unknown one is a 404 page; link previews are
 * not clicks; the route is rate-limited per address; and hundreds of random and hostile paths
 * never get a 5xx nor a redirect anywhere but a stored target (no open redirect).
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountBookingRoute } from '../../src/app/booking-route.ts';
import { createHttpServer, type HttpServer } from '../../src/app/http-server.ts';
import { createRateLimits, type RateLimits } from '../../src/app/rate-limits.ts';
import { newBookingId } from '../../src/core/booking/booking-link.ts';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestClock, silentLogger } from '../helpers/engine.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

const TARGET = 'https://cal.com/acme/intro?email=ada%40acme.example';
const clock = createTestClock();
let db: ReturnType<typeof tempSqliteUrl>;
let store: LeadStore;
let http: HttpServer;
let limited: HttpServer;
let limits: RateLimits;
let strict: RateLimits;
let port: number;
let leadId: string;
let id: string;

beforeAll(async () => {
  db = tempSqliteUrl();
  await migrateDatabase(db.url, { logger: silentLogger });
  store = await openStore(db.url, { logger: silentLogger });
  leadId = (await store.createLead({ email: 'ada@acme.example' })).id;
  id = newBookingId();
  await store.bookingLinks.create({ id, leadId, target: TARGET, createdAt: clock.now() });
  const make = (link: { points: number; seconds: number }) =>
    createRateLimits({
      limits: { chatIp: null, chatVisitor: null, login: null, link },
      trustProxy: 0,
      logger: silentLogger,
    });
  limits = make({ points: 100_000, seconds: 60 });
  strict = make({ points: 3, seconds: 60 });
  http = createHttpServer({ logger: silentLogger });
  mountBookingRoute(http, { links: store.bookingLinks, clock, logger: silentLogger, limits: limits.links });
  port = (await http.listen(0, '127.0.0.1')).port;
  limited = createHttpServer({ logger: silentLogger });
  mountBookingRoute(limited, {
    links: store.bookingLinks,
    clock,
    logger: silentLogger,
    limits: strict.links,
  });
  await limited.listen(0, '127.0.0.1');
}, 60_000);
afterAll(async () => {
  await http?.close();
  await limited?.close();
  await limits?.close();
  await strict?.close();
  await store?.close();
  db?.cleanup();
});

/** Sends a raw request line (any bytes a client may send); returns status and Location. */
function raw(path: string, headers = '', on = port): Promise<{ status: number; location: string | null }> {
  return new Promise((resolve, reject) => {
    const socket = connect(on, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => {
      text += d;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const location = /\r\nlocation: ([^\r]*)\r\n/i.exec(text)?.[1] ?? null;
      resolve({ status, location });
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: bot.test\r\n${headers}Connection: close\r\n\r\n`, 'latin1');
  });
}

const clicks = async () => (await store.bookingLinks.listForLead(leadId))[0]!;

describe('GET /r/<id>', () => {
  it('redirects a stored id to its target (303) and records the first click and the count', async () => {
    clock.set(new Date('2026-01-05T10:00:00Z'));
    const res = await fetch(`http://127.0.0.1:${port}/r/${id}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(TARGET);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await clicks()).toMatchObject({ clicks: 1, firstClickedAt: new Date('2026-01-05T10:00:00Z') });
    clock.set(new Date('2026-01-05T11:00:00Z'));
    expect((await raw(`/r/${id}?utm=x`)).location).toBe(TARGET);
    expect(await clicks()).toMatchObject({
      clicks: 2,
      firstClickedAt: new Date('2026-01-05T10:00:00Z'),
      lastClickedAt: new Date('2026-01-05T11:00:00Z'),
    });
  });

  it('answers 404 for an unknown or malformed id, and a link preview with a page and no click', async () => {
    const before = (await clicks()).clicks;
    for (const path of [`/r/${newBookingId()}`, '/r/x', `/r/${id}/`, `/r/${id}x`, `/r/${id.slice(1)}`]) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { redirect: 'manual' });
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain('This link is not valid');
    }
    const preview = await raw(`/r/${id}`, 'User-Agent: TelegramBot (like TwitterBot)\r\n');
    expect(preview).toEqual({ status: 200, location: null });
    expect((await clicks()).clicks).toBe(before);
  });

  it('is rate-limited per client address (429 with Retry-After)', async () => {
    const url = `http://127.0.0.1:${limited.server.address() && (limited.server.address() as { port: number }).port}/r/${id}`;
    for (let i = 0; i < 3; i++) expect((await fetch(url, { redirect: 'manual' })).status).toBe(303);
    const refused = await fetch(url, { redirect: 'manual' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('fuzz: random and hostile paths never get a 5xx nor a redirect but to the stored target', async () => {
    const hostile = [
      '/r/',
      '/r//evil.example',
      '/r/https://evil.example',
      '/r/%2F%2Fevil.example',
      `/r/${id}%0d%0aLocation:%20https://evil.example`,
      `/r/${id}/../../etc/passwd`,
      '/r/..%2f..%2f',
      `/r/${'A'.repeat(8000)}`,
      '/r/%ff%fe',
      '/r/%00',
      `//evil.example/r/${id}`,
      `http://evil.example/r/${newBookingId()}`,
      '/r/\'; DROP TABLE "BookingLink"; --',
      '/r/\u00e9\u00e8',
    ];
    const segment = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      fc.constantFrom(id, `${id}?x=1`, `${id}#f`, '%2e%2e', '..', '//', '\\\\evil', '@evil.example'),
    );
    const random = fc.sample(segment, 400).map((s) => `/r/${encodeURI(s).replace(/%25/g, '%')}`);
    let redirects = 0;
    for (const path of [...hostile, ...random]) {
      const res = await raw(path);
      expect(res.status, path).toBeGreaterThanOrEqual(200);
      expect(res.status, path).toBeLessThan(500);
      if (res.location !== null) {
        redirects += 1;
        expect(res.location, path).toBe(TARGET);
      }
    }
    expect(redirects).toBeGreaterThan(0); // the stored id was among them
    expect((await store.bookingLinks.listForLead(leadId)).length).toBe(1);
  }, 60_000);
});
