/**
 * Reporting at 100,000 leads, on SQLite and PostgreSQL: the dashboard over the app's real HTTP
 * server (overview; leads filtered by platform and sorted by name; a search), the manager
 * command `stats` and `leads list` each answer in under a second with the right figures, the
 * scoring report's tallies within a few, while a `/healthz` poller on the same process keeps
 * answering (p99 under 500 ms: no stall; the tight figure is the bench's). Prints each figure and the event loop's longest stall
 * (perf_hooks.monitorEventLoopDelay).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/app/http-server.ts';
import { mountDashboard } from '../../src/app/web/dashboard.ts';
import { createManagerCommands } from '../../src/core/commands/index.ts';
import { createMemoryOutreachStore } from '../../src/core/memory/memory-outreach.ts';
import { createContactPolicy } from '../../src/core/outreach/contact-policy.ts';
import { defaultOutreachSettings } from '../../src/core/outreach/settings.ts';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { compareText, foldCase } from '../../src/core/reporting-rules.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { expectedFigures, insertBulkLeads, pathOf, platformOf } from '../helpers/bulk-leads.ts';
import { createTestClock, silentLogger } from '../helpers/engine.ts';
import { testLimits } from '../helpers/limits.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

const N = 100_000;
const TOKEN = 'scale-test-dashboard-token-0123456789';
const logger = pino({ level: 'silent' });
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The generated name of lead `i` (bulk-leads.ts), or null. */
const nameOf = (i: number) =>
  i % 50 === 0 ? null : `${['alpha ', 'Beta ', 'GAMMA '][i % 3]}${(i * 7919) % 100000}`;
const idOf = (i: number) => `bulk-${1_000_000 + i}`;

/** The first names of slack leads sorted by name (A–Z folded, then code point), ties by id. */
function firstSlackNames(n: number): string[] {
  const slack: { name: string; id: string }[] = [];
  for (let i = 0; i < N; i++)
    if (platformOf(i) === 'slack') slack.push({ name: nameOf(i) ?? '', id: idOf(i) });
  slack.sort((a, b) => compareText(foldCase(a.name), foldCase(b.name)) || compareText(a.id, b.id));
  return slack.slice(0, n).map((l) => l.name);
}

/** Polls `/healthz` one request after another until stopped; returns each latency in ms. */
function pollHealth(base: string) {
  const latencies: number[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const started = performance.now();
      const res = await fetch(`${base}/healthz`);
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        count: sorted.length,
        p99: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
        max: sorted.at(-1) ?? 0,
      };
    },
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** Runs a manager command as a Slack community manager would (`/leadbot stats`). */
function managerCommand(store: LeadStore, sub: string) {
  const clock = createTestClock();
  const outreach = createMemoryOutreachStore();
  const contactPolicy = createContactPolicy({ store, outreach, clock, settings: defaultOutreachSettings() });
  const commands = createManagerCommands({
    store,
    leadEvents: NO_LEAD_EVENTS,
    outreach,
    contactPolicy,
    clock,
    permissions: { isManager: async () => true },
  });
  return commands.run(
    { sub, args: [] },
    {
      platform: 'slack',
      workspaceId: 'T1',
      channelId: 'C1',
      userId: 'UMGR',
      isDirect: false,
      memberKey: (u) => ({ platform: 'slack', workspaceId: 'T1', userId: u }),
    },
  );
}

async function serve(store: LeadStore): Promise<{ http: HttpServer; base: string }> {
  const http = createHttpServer({
    logger: silentLogger,
    health: async () => {
      await store.ping();
      return { ok: true };
    },
  });
  mountDashboard(http, { store, token: TOKEN, logger: silentLogger, limits: testLimits().login });
  const { port } = await http.listen(0, '127.0.0.1');
  cleanups.push(() => http.close());
  return { http, base: `http://127.0.0.1:${port}` };
}

async function open(name: 'sqlite' | 'postgres'): Promise<string | null> {
  if (name === 'sqlite') {
    const db = tempSqliteUrl();
    cleanups.push(() => db.cleanup());
    return db.url;
  }
  const db = await createTestDatabase();
  if (!db) return null;
  cleanups.push(() => db.drop());
  return db.url;
}

describe.each(['sqlite', 'postgres'] as const)('reporting at 100,000 leads on %s', (name) => {
  it(`answers the dashboard, stats and the scoring report in under a second at ${N} leads`, async () => {
    const url = await open(name);
    if (!url) return;
    await migrateDatabase(url, { logger });
    const base = new Date(Date.now() - 60_000);
    const generated = await timed(() => insertBulkLeads(url, N, base));
    const store = await openStore(url, { logger });
    cleanups.push(() => store.close());
    const server = await serve(store);
    const get = async (path: string) => {
      const res = await fetch(server.base + path, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status, path).toBe(200);
      return res.text();
    };
    const expected = expectedFigures(N, base);
    // Steady state is measured: first requests start the SQLite reader's worker and Prisma's
    // query compiler, one-off costs of a process that are not reporting's.
    await get('/dashboard?range=7d');
    await get('/dashboard/leads?range=7d&sort=name');

    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    // What the server process does: dashboard pages and the chat command `stats`.
    const health = pollHealth(server.base);
    const overview = await timed(() => get('/dashboard'));
    const leads = await timed(() => get('/dashboard/leads?platform=slack&sort=name&order=asc'));
    const command = await timed(() => managerCommand(store, 'stats'));
    const searched = await timed(() => get('/dashboard/leads?q=BETA%2012&sort=stage'));
    const polled = await health.stop();
    loop.disable();
    // What the CLI does in a process of its own: `leadbot scoring report`, `leadbot leads list`.
    const scoring = await timed(() => store.reporting!.scoringTallies());
    const list = await timed(() => store.listLeads({ stage: 'SQL', limit: 50 }));

    const figures = {
      database: name,
      leads: N,
      generateMs: Math.round(generated.ms),
      overviewMs: Math.round(overview.ms),
      leadsPageMs: Math.round(leads.ms),
      statsMs: Math.round(command.ms),
      scoringReportMs: Math.round(scoring.ms),
      leadsListMs: Math.round(list.ms),
      searchMs: Math.round(searched.ms),
      healthzRequests: polled.count,
      healthzP99Ms: Math.round(polled.p99 * 10) / 10,
      healthzMaxMs: Math.round(polled.max * 10) / 10,
      eventLoopMaxDelayMs: Math.round(loop.max / 1e5) / 10,
    };
    console.log(`reporting at scale: ${JSON.stringify(figures)}`);

    // The figures are right…
    const f = expected.funnel;
    for (const [id, value] of Object.entries({ leads: f.leads, mql: f.mql, sql: f.sql, claimed: f.claimed }))
      expect(overview.value).toContain(`data-testid="${id}">${value}<`);
    const slackLeads = expected.byPlatform.get('slack')!;
    expect(leads.value).toContain(`${slackLeads} leads`);
    const shown = [
      ...leads.value.matchAll(/<tr><td><a href="\/dashboard\/lead\?id=[^"]+">([^<]*)<\/a>/g),
    ].map((m) => m[1]);
    expect(shown).toEqual(firstSlackNames(25));
    const p = expected.perStage;
    expect(command.value.text).toContain(
      `Per stage: cold ${p.cold} · MQL ${p.MQL} · SQL ${p.SQL} · disqualified ${p.disqualified}`,
    );
    expect(scoring.value.leads.reduce((n, g) => n + g.leads, 0)).toBe(expected.sqls);
    const tally = (stepId: string, v: unknown) =>
      scoring.value.answers
        .filter((a) => a.stepId === stepId && a.value === v)
        .reduce((n, a) => n + a.leads, 0);
    expect([tally('demo', true), tally('demo', false)]).toEqual([expected.demo.true, expected.demo.false]);
    // Choice answers count because the stored flow version parses on both databases (the
    // snapshot keeps its key order, src/store/flow-snapshot.ts).
    expect(scoring.value.definitions.every((d) => d.definition !== null)).toBe(true);
    const need = expected.answered;
    expect([tally('need', 'evaluating'), tally('need', 'exploring')]).toEqual([
      need.evaluating,
      need.exploring,
    ]);
    expect(scoring.value.answers.some((a) => a.stepId === 'company')).toBe(false); // free text is not tallied
    expect(list.value.items.every((l) => l.stage === 'SQL')).toBe(true);
    expect(list.value.items[0]?.id).toBe(idOf([...Array(20).keys()].find((i) => pathOf(i).stage === 'SQL')!));

    // …and cheap: each under a second (the scoring report, a CLI command with three grouped
    // statements over every SQL lead's answers, within a few), the process responsive meanwhile.
    for (const ms of [overview.ms, leads.ms, command.ms, list.ms, searched.ms]) expect(ms).toBeLessThan(1000);
    expect(scoring.ms).toBeLessThan(5000);
    expect(polled.count).toBeGreaterThan(5);
    // A stalled loop (the 3.8 s overview of 2026-12-06 blocked it for seconds) fails here; the
    // tight figure (≤ 20 ms of stall) is the bench's (`--only scale-data`): on a 2-core CI
    // machine running other test files at once this p99 was 38-148 ms for the same code.
    expect(polled.p99).toBeLessThan(500);
  }, 60_000);
});
