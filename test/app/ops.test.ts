/**
 * /readyz and /metrics on the real HTTP server: readiness follows the database (a closed
 * store, a dropped PostgreSQL database), the adapters and shutdown; metrics count events,
 * stage changes, outcomes and alert deliveries made by the real engine and dispatcher.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/app/http-server.ts';
import {
  createMetrics,
  instrumentHandler,
  instrumentStore,
  outboxBacklog,
} from '../../src/app/ops/metrics.ts';
import { mountOps, type Readiness, type ReadinessDeps } from '../../src/app/ops/readiness.ts';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher.ts';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestClock, createTestEngine, dm, silentLogger } from '../helpers/engine.ts';
import { createTestDatabase } from '../helpers/postgres.ts';

const servers: HttpServer[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const c of cleanups.splice(0)) await c();
});

async function serve(deps: Partial<ReadinessDeps> & { store: ReadinessDeps['store'] }): Promise<string> {
  const http = createHttpServer({ logger: silentLogger });
  mountOps(http, {
    adapters: () => ({ expected: ['web'], connected: ['web'] }),
    stopping: () => false,
    ...deps,
  });
  servers.push(http);
  const { port } = await http.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

describe('/readyz', () => {
  it('is ready with the database answering and every adapter connected, with JSON detail', async () => {
    const base = await serve({ store: createMemoryStore() });
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ready: true,
      database: { ok: true },
      adapters: { expected: ['web'], connected: ['web'], ok: true },
      stopping: false,
    });
  });

  it('is not ready when the store is closed, an adapter is not connected, or shutdown began', async () => {
    const closed = createMemoryStore();
    await closed.close();
    const down = await fetch(`${await serve({ store: closed })}/readyz`);
    expect(down.status).toBe(503);
    // Not ready, and why stays in the log: the answer is public.
    expect(((await down.json()) as Readiness).database).toEqual({ ok: false });

    const missing = await serve({
      store: createMemoryStore(),
      adapters: () => ({ expected: ['web', 'telegram'], connected: ['web'] }),
    });
    const res = await fetch(`${missing}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as Readiness).adapters.ok).toBe(false);

    const stopping = await serve({ store: createMemoryStore(), stopping: () => true });
    expect((await fetch(`${stopping}/readyz`)).status).toBe(503);
  });

  it('is not ready once its PostgreSQL database is dropped', async () => {
    const db = await createTestDatabase();
    if (!db) return;
    const logger = pino({ level: 'silent' });
    let store: LeadStore | undefined;
    cleanups.push(async () => {
      await store?.close().catch(() => undefined);
      await db.drop();
    });
    await migrateDatabase(db.url, { logger });
    store = await openStore(db.url, { logger });
    const base = await serve({ store });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    await db.drop();
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text).database).toEqual({ ok: false });
    expect(text).not.toContain(db.name);
  });
});

describe('/metrics', () => {
  it('counts events per platform, stage transitions, outcomes, alert latency and backlog', async () => {
    const raw = createMemoryStore();
    const metrics = createMetrics({ backlog: () => outboxBacklog(raw), defaults: false });
    const store = instrumentStore(raw, metrics);
    const clock = createTestClock(new Date(Date.now() + 60_000));
    const { engine } = await createTestEngine({ store, clock });
    const handle = instrumentHandler(engine.handle, metrics);
    const web = { platform: 'web' as const, userId: 'v1', channelId: 'v1' };
    const steps = [
      dm({ kind: 'command', name: 'start' }, web),
      dm({ kind: 'choice', values: ['evaluating'] }, web),
      dm({ kind: 'message', text: 'Acme Corp' }, web),
      dm({ kind: 'choice', values: ['exec'] }, web),
      dm({ kind: 'message', text: '80' }, web),
      dm({ kind: 'choice', values: ['approved'] }, web),
      dm({ kind: 'choice', values: ['month'] }, web),
      dm({ kind: 'message', text: 'jane@acme.example' }, web),
      dm({ kind: 'message', text: 'yes' }, web),
      dm({ kind: 'message', text: 'no' }, web),
    ];
    for (const e of steps) await handle(e);
    await handle(steps[1]!); // a redelivery: handled, nothing changes

    const base = await serve({ store: raw, metrics });
    let text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('leadbot_events_processed_total{platform="web",outcome="ok"} 11');
    expect(text).toContain('leadbot_stage_transitions_total{from="cold",to="MQL"} 1');
    expect(text).toContain('leadbot_stage_transitions_total{from="MQL",to="SQL"} 1');
    expect(text).toContain('leadbot_conversation_outcomes_total{status="completed"} 1');
    expect(text).toContain('leadbot_alert_backlog 1');

    const dispatcher = createOutboxDispatcher({
      store,
      sinks: { sales_alert: { name: 'test', deliver: async () => ({ externalRef: 'ref-1' }) } },
      clock,
      logger: silentLogger,
      workerId: 'w1',
    });
    expect((await dispatcher.runOnce()).delivered).toBe(1);
    text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('leadbot_alert_delivery_latency_seconds_count 1');
    expect(text).toContain('leadbot_alert_backlog 0');
    expect(text).not.toMatch(/jane|acme/i);
  });

  it('counts a failing event as an error and does not count a rolled-back stage change', async () => {
    const raw = createMemoryStore();
    const metrics = createMetrics({ defaults: false });
    const store = instrumentStore(raw, metrics);
    const lead = await raw.createLead({});
    await expect(
      store.transaction(async (tx) => {
        await tx.addStageChange({ leadId: lead.id, from: 'cold', to: 'MQL', reason: 'x', actor: 'engine' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await store.addStageChange({ leadId: lead.id, from: 'cold', to: 'SQL', reason: 'y', actor: 'engine' });
    const failing = instrumentHandler(async () => {
      throw new Error('boom');
    }, metrics);
    await expect(failing(dm({ kind: 'message', text: 'hi' }, { platform: 'telegram' }))).rejects.toThrow(
      'boom',
    );
    const text = await metrics.render();
    expect(text).not.toContain('to="MQL"');
    expect(text).toContain('leadbot_stage_transitions_total{from="cold",to="SQL"} 1');
    expect(text).toContain('leadbot_events_processed_total{platform="telegram",outcome="error"} 1');
    expect(text).toContain('leadbot_errors_total{where="engine"} 1');
  });
});
