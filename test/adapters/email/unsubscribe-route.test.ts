/**
 * The public unsubscribe link (#21): rate-limited per client, body capped, signature checked,
 * and fuzzed — random tokens, methods and bodies never unsubscribe anyone, never crash, and
 * never answer anything but the documented statuses.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountUnsubscribeRoute, UNSUBSCRIBE_PATH } from '../../../adapters/email/http-route.ts';
import { createHttpServer, type HttpServer } from '../../../src/app/http-server.ts';
import { createRateLimits, type RateLimits } from '../../../src/app/rate-limits.ts';
import { createMemoryStore } from '../../../src/core/memory/memory-store.ts';
import { unsubscribeToken, verifyUnsubscribeToken } from '../../../src/core/nurture/unsubscribe.ts';
import type { LeadStore } from '../../../src/core/ports/index.ts';
import { createTestClock, silentLogger } from '../../helpers/engine.ts';
import { testLimits } from '../../helpers/limits.ts';

const SECRET = 'route-test-secret-0123456789abcdef';
let http: HttpServer;
let limited: HttpServer;
let limits: RateLimits;
let store: LeadStore;
let base: string;
let leadId: string;

beforeAll(async () => {
  store = createMemoryStore();
  leadId = (await store.createLead({ email: 'x@example.com', consent: true })).id;
  const deps = {
    repo: store,
    outreach: store.outreach,
    schedules: store.schedules,
    clock: createTestClock(),
    logger: silentLogger,
    secret: SECRET,
  };
  http = createHttpServer({ logger: silentLogger });
  mountUnsubscribeRoute(http, { ...deps, limits: testLimits().chat });
  base = `http://127.0.0.1:${(await http.listen(0, '127.0.0.1')).port}`;
  limits = createRateLimits({
    limits: { chatIp: { points: 3, seconds: 60 }, chatVisitor: null, login: null, link: null },
    trustProxy: 0,
    logger: silentLogger,
  });
  limited = createHttpServer({ logger: silentLogger });
  mountUnsubscribeRoute(limited, { ...deps, limits: limits.chat });
  await limited.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await http.close();
  await limited.close();
  await limits.close();
});

const optedOut = () => store.outreach.isOptedOut([`lead:${leadId}`]);

describe('unsubscribe link', () => {
  it('refuses a tampered, foreign or missing token with 400 and changes nothing', async () => {
    const good = unsubscribeToken(SECRET, leadId);
    const bad = [
      '',
      `${leadId}.${'A'.repeat(43)}`,
      unsubscribeToken('another-secret-of-someone-else', leadId),
      `${good}x`,
      good.replace(leadId, `${leadId}0`),
    ];
    for (const t of bad) {
      const res = await fetch(`${base}${UNSUBSCRIBE_PATH}?t=${encodeURIComponent(t)}`, { method: 'POST' });
      expect(res.status, t).toBe(400);
    }
    expect(await optedOut()).toBe(false);
  });

  it('caps the body: over 256 bytes is 413 and unsubscribes no one', async () => {
    const t = unsubscribeToken(SECRET, leadId);
    const res = await fetch(`${base}${UNSUBSCRIBE_PATH}?t=${t}`, {
      method: 'POST',
      body: 'x'.repeat(10_000),
    });
    expect(res.status).toBe(413);
    expect(await optedOut()).toBe(false);
  });

  it('is rate-limited per client address (429 with Retry-After)', async () => {
    const url = `http://127.0.0.1:${limited.server.address() && (limited.server.address() as { port: number }).port}${UNSUBSCRIBE_PATH}?t=x`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(url);
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
  });

  it('fuzz: random tokens, methods and bodies never crash and never unsubscribe', async () => {
    const token = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.constant(`${leadId}.`).chain((p) => fc.string({ minLength: 43, maxLength: 43 }).map((s) => p + s)),
      fc.constant(unsubscribeToken(SECRET, 'someone-else')),
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 300 }),
      fc.constant('List-Unsubscribe=One-Click'),
    );
    const cases = fc.sample(fc.record({ token, post: fc.boolean(), body }), 300);
    for (const c of cases) {
      const res = await fetch(`${base}${UNSUBSCRIBE_PATH}?t=${encodeURIComponent(c.token)}&t=again`, {
        method: c.post ? 'POST' : 'GET',
        ...(c.post && c.body !== undefined ? { body: c.body } : {}),
      });
      await res.text();
      const legit = verifyUnsubscribeToken(SECRET, c.token) !== null;
      expect([200, 400, 413], JSON.stringify(c)).toContain(res.status);
      if (!legit) expect(res.status, JSON.stringify(c)).not.toBe(200);
    }
    expect(await optedOut()).toBe(false);
    // The real link still works afterwards, and a second click is harmless.
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${base}${UNSUBSCRIBE_PATH}?t=${unsubscribeToken(SECRET, leadId)}`, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
      });
      expect(res.status).toBe(200);
    }
    expect(await optedOut()).toBe(true);
  });
});
