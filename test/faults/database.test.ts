/**
 * Database faults: a real `leadbot start` process reaches PostgreSQL through a small TCP proxy
 * on 127.0.0.1 (the shared server is never stopped). Mid-run the proxy cuts every connection
 * and refuses new ones for a few seconds. The bot must report unhealthy meanwhile (/healthz
 * 503), keep nothing half-written, and recover without a restart: the conversations finish
 * with exactly what an uninterrupted run stores.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import {
  type BotProcess,
  loadScripts,
  mapConcurrent,
  postUntilAcknowledged,
  randomId,
  type Script,
  startBot,
  stopBot,
} from '../scale/cluster.ts';
import { eventually, postedAlerts, referenceOutcomes, storedOutcome } from '../scale/verify.ts';

const OUTAGE_MS = 4000;
const logger = pino({ level: 'silent' });

/** A TCP proxy to PostgreSQL that can drop every connection and refuse new ones. */
async function startProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return client.destroy();
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let db: TestDatabase | null = null;
let slack: FakeSlackApi | undefined;
let bot: BotProcess | undefined;
let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;

afterAll(async () => {
  if (bot) await stopBot(bot, true);
  proxy?.cut();
  await proxy?.close();
  await slack?.close();
  await db?.drop();
}, 60_000);

describe('PostgreSQL unreachable for a few seconds', () => {
  it('reports unhealthy, keeps nothing half-written and recovers without a restart', async (ctx) => {
    db = await createTestDatabase();
    if (!db) return ctx.skip();
    await migrateDatabase(db.url, { logger });
    const url = new URL(db.url);
    proxy = await startProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    slack = await startFakeSlackApi();
    bot = await startBot(url.toString(), slack);
    const pid = bot.cli.child.pid;
    const base = bot.base;

    const scripts = await loadScripts();
    const reference = await referenceOutcomes(scripts);
    const runs = Array.from({ length: 20 }, (_, i) => ({
      visitorId: `db${i}_${randomId()}`,
      script: scripts[i % scripts.length] as Script,
    }));
    const health: number[] = [];
    const clients = mapConcurrent(runs, 20, async ({ visitorId, script }) => {
      for (const body of script.requests)
        await postUntilAcknowledged(() => base, visitorId, body, randomId(), { deadlineMs: 90_000 });
    });

    await new Promise((r) => setTimeout(r, 1500));
    proxy.cut();
    const outageEnds = Date.now() + OUTAGE_MS;
    while (Date.now() < outageEnds) {
      health.push(
        await fetch(`${base}/healthz`).then(
          (r) => r.status,
          () => 0,
        ),
      );
      await new Promise((r) => setTimeout(r, 250));
    }
    proxy.restore();
    await clients;
    await eventually(async () => (await fetch(`${base}/healthz`)).status === 200, 30_000, 'healthy again');

    const store: LeadStore = await openStore(db.url, { logger });
    try {
      let mismatched = 0;
      let sqlLeads = 0;
      for (const { visitorId, script } of runs) {
        const got = await storedOutcome(store, 'web', visitorId);
        if (JSON.stringify(got) !== JSON.stringify(reference.get(script.name))) mismatched += 1;
        expect(got, `${script.name} of ${visitorId}`).toEqual(reference.get(script.name));
        if (got?.stage === 'SQL') sqlLeads += 1;
      }
      await eventually(() => postedAlerts(slack!).size >= sqlLeads, 60_000, 'alerts');
      const unhealthy = health.filter((s) => s === 503).length;
      console.log(
        `[database] ${OUTAGE_MS / 1000} s outage: /healthz 503 on ${unhealthy}/${health.length} probes, ` +
          `${mismatched} leads differing from an uninterrupted run, ${postedAlerts(slack!).size}/${sqlLeads} alerts, ` +
          `restarted: ${bot.cli.child.pid !== pid || bot.cli.child.exitCode !== null}`,
      );
      expect(unhealthy).toBeGreaterThan(0);
      expect(bot.cli.child.exitCode).toBeNull();
      expect(postedAlerts(slack!).size).toBe(sqlLeads);
    } finally {
      await store.close();
    }
  }, 180_000);
});
