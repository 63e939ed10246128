/**
 * Flat as data grows (issue 19): a database of `n` stored leads generated in bulk (one
 * `INSERT … SELECT` per table over a number series: test/helpers/bulk-leads.ts, with identities,
 * stage history, owners, sources, conversations, answers, score contributions and verdicts),
 * then every reading path a manager or the dashboard takes, in this process as the server runs
 * them: the dashboard overview and leads pages over the app's real HTTP server, the manager
 * commands `leads`, `stats`, `export` and `forget`, and what `leadbot leads list` and
 * `leadbot scoring report` run. Each operation's time, the process's peak RSS during it (sampled
 * every 2 ms by a worker thread, so a blocked event loop does not hide a peak) and the event
 * loop's longest block (perf_hooks.monitorEventLoopDelay).
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { applyV8Flags } from '../scripts/v8-flags.mjs';
import { createHttpServer } from '../src/app/http-server.ts';
import { mountDashboard } from '../src/app/web/dashboard.ts';
import { type CommandArg, createManagerCommands } from '../src/core/commands/index.ts';
import { createMemoryOutreachStore } from '../src/core/memory/memory-outreach.ts';
import { createContactPolicy } from '../src/core/outreach/contact-policy.ts';
import { defaultOutreachSettings } from '../src/core/outreach/settings.ts';
import type { LeadStore } from '../src/core/ports/index.ts';
import { tableCursor } from '../src/core/reporting.ts';
import { buildScoringReportFromTallies, formatScoringReport } from '../src/core/scoring-report.ts';
import { NO_LEAD_EVENTS } from '../src/core/webhooks/lead-events.ts';
import { createdAt, insertBulkLeads } from '../test/helpers/bulk-leads.ts';
import { testLimits } from '../test/helpers/limits.ts';
import { silent, systemClock } from './core.ts';
import { freshDatabase, openBenchStore, type Provider } from './databases.ts';
import { median } from './stats.ts';

export interface OpFigure {
  /** Median over the runs. */
  ms: number;
  /** Highest RSS seen during any run, minus the RSS right before that run. */
  rssIncreaseMb: number;
  /** Longest event-loop block during any run. */
  loopMaxMs: number;
}

export interface ScaleDataResult {
  leads: number;
  generateSeconds: number;
  ops: Record<string, OpFigure>;
}

/** The operations, in the order they run and print (key → label). */
export const SCALE_OPS = {
  overview: 'dashboard overview',
  leadsFiltered: 'dashboard leads, stage + platform, page 40',
  leadsDeep: 'dashboard leads, no filter, jump to page 20,000 (offset)',
  leadsNext: 'dashboard leads, no filter, "Next" to page 20,000 (keyset)',
  leadsCommand: 'manager `leads SQL @rep slack`, 50th page',
  leadsList: '`leadbot leads list --stage SQL`',
  stats: 'manager `stats`',
  scoringReport: '`leadbot scoring report`',
  exportCommand: 'manager `export` (all leads → CSV file)',
  exportDashboard: 'dashboard leads.csv (all leads → CSV file)',
  forget: 'manager `forget <lead id>`',
} as const;
type OpKey = keyof typeof SCALE_OPS;

const TOKEN = 'bench-scale-data-dashboard-token-0123456789';
const MB = 1024 * 1024;

/** A worker thread that samples the process's RSS every 2 ms (RSS is per process). */
function rssSampler() {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     let max = 0;
     setInterval(() => { const r = process.memoryUsage.rss(); if (r > max) max = r; }, 2);
     parentPort.on('message', (m) => { if (m === 'read') parentPort.postMessage(max); max = process.memoryUsage.rss(); });`,
    { eval: true },
  );
  const ask = (m: string) =>
    new Promise<number>((resolve) => {
      worker.once('message', resolve);
      worker.postMessage(m);
    });
  return { reset: () => ask('read'), peak: () => ask('read'), stop: () => worker.terminate() };
}

/** One histogram for the whole run, reset before each operation. */
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();

async function measureOp(
  sampler: ReturnType<typeof rssSampler>,
  runs: number,
  fn: (run: number) => Promise<unknown>,
): Promise<OpFigure> {
  const times: number[] = [];
  let increase = 0;
  let loopMax = 0;
  for (let run = 0; run < runs; run++) {
    await new Promise((r) => setTimeout(r, 50));
    const before = process.memoryUsage.rss();
    await sampler.reset();
    loop.reset();
    const started = performance.now();
    await fn(run);
    times.push(performance.now() - started);
    increase = Math.max(increase, (await sampler.peak()) - before);
    loopMax = Math.max(loopMax, loop.max / 1e6);
  }
  return { ms: median(times), rssIncreaseMb: Math.max(0, increase) / MB, loopMaxMs: loopMax };
}

function managerCommands(store: LeadStore) {
  const outreach = createMemoryOutreachStore();
  const commands = createManagerCommands({
    store,
    leadEvents: NO_LEAD_EVENTS,
    outreach,
    contactPolicy: createContactPolicy({
      store,
      outreach,
      clock: systemClock,
      settings: defaultOutreachSettings(),
    }),
    clock: systemClock,
    permissions: { isManager: async () => true },
  });
  return (sub: string, args: CommandArg[] = []) =>
    commands.run(
      { sub, args },
      {
        platform: 'slack',
        workspaceId: 'T1',
        channelId: 'C1',
        userId: 'UMGR',
        isDirect: true,
        memberKey: (u) => ({ platform: 'slack', workspaceId: 'T1', userId: u }),
      },
    );
}

const text = (value: string): CommandArg => ({ kind: 'text', value });

/** Where the leads are: a database generated now, or one a previous `--keep` run left. */
export interface ScaleDataOptions {
  runs?: number;
  only?: readonly string[];
  /** A database generated by an earlier run (`--db URL`): not generated again, not dropped. */
  reuse?: string;
  /** Leave the generated database in place and print its URL (`--keep`). */
  keep?: boolean;
}

/** Generates `n` leads on `provider`, then measures every operation `runs` times (exports once). */
export async function scaleData(
  provider: Provider,
  n: number,
  opts: ScaleDataOptions = {},
): Promise<ScaleDataResult> {
  const { runs = 3, only } = opts;
  // The operations run in this process as the server runs them: with its V8 settings.
  applyV8Flags();
  const db = opts.reuse
    ? { provider, url: opts.reuse, drop: async () => undefined }
    : await freshDatabase(provider);
  const dir = mkdtempSync(join(tmpdir(), 'leadbot-scale-data-'));
  const sampler = rssSampler();
  try {
    const generated = performance.now();
    let base = new Date(Date.now() - 60_000);
    if (!opts.reuse) await insertBulkLeads(db.url, n, base);
    const generateSeconds = opts.reuse ? 0 : (performance.now() - generated) / 1000;
    process.stderr.write(
      `  scale-data.${provider}: ${opts.reuse ? 'reusing' : `${n} leads generated in ${generateSeconds.toFixed(0)} s in`} ${db.url}\n`,
    );
    const store = await openBenchStore(db.url);
    // Lead 0 of the series is created at the base instant (bulk-leads.ts).
    if (opts.reuse) base = (await store.getLead('bulk-1000000'))?.createdAt ?? base;
    const http = createHttpServer({ logger: silent, health: async () => ({ ok: true }) });
    mountDashboard(http, { store, token: TOKEN, logger: silent, limits: testLimits().login });
    const { port } = await http.listen(0, '127.0.0.1');
    const origin = `http://127.0.0.1:${port}`;
    const get = async (path: string) => {
      const res = await fetch(origin + path, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return res;
    };
    const page = async (path: string) => (await get(path)).text();
    const command = managerCommands(store);
    const toFile = async (chunks: AsyncIterable<string | Uint8Array>) =>
      pipeline(Readable.from(chunks), createWriteStream(join(dir, 'export.csv')));
    const ops: Record<OpKey, () => Promise<unknown>> = {
      overview: () => page('/dashboard'),
      leadsFiltered: () => page('/dashboard/leads?stage=SQL&platform=slack&page=40'),
      leadsDeep: () => page('/dashboard/leads?page=20000'),
      // Lead i is the (i+1)-th newest (bulk-leads.ts): page 19,999 ends with lead 499,974.
      leadsNext: () => {
        const last = { createdAt: createdAt(base, 499_974), id: `bulk-${1_000_000 + 499_974}` };
        return page(`/dashboard/leads?page=20000&after=${encodeURIComponent(tableCursor(last))}`);
      },
      leadsCommand: async () => {
        // 50 pages in, following the cursor as a manager pressing "more" would.
        const args = [text('SQL'), { kind: 'member', userId: 'UREP1' } as CommandArg, text('slack')];
        let reply = await command('leads', args);
        for (let i = 1; i < 50; i++) {
          const cursor = /page:(\S+)/.exec(reply.text)?.[1];
          if (!cursor) break;
          reply = await command('leads', [...args, text(`page:${cursor}`)]);
        }
        return reply;
      },
      leadsList: () => store.listLeads({ stage: 'SQL', limit: 50 }),
      stats: () => command('stats'),
      scoringReport: async () =>
        formatScoringReport(buildScoringReportFromTallies(await store.reporting.scoringTallies())),
      exportCommand: async () => {
        const reply = await command('export');
        if (!reply.file) throw new Error(`export: ${reply.text}`);
        await toFile(reply.file.chunks());
      },
      exportDashboard: async () => {
        const res = await get('/dashboard/leads.csv');
        await toFile(res.body as unknown as AsyncIterable<Uint8Array>);
      },
      forget: () => Promise.resolve(),
    };
    // A reused database lost the leads earlier runs forgot: start somewhere else each run.
    let forgotten = opts.reuse ? Math.floor(Math.random() * 10_000) * 3 : 0;
    ops.forget = async () => {
      const id = `bulk-${1_000_000 + 7 + 20 * forgotten++}`;
      const reply = await command('forget', [text(id)]);
      if (!reply.text.includes('was erased')) throw new Error(`forget: ${reply.text}`);
    };
    // One warm-up of each cheap path: the first statement starts the SQLite reader's worker and
    // Prisma compiles its queries; one-off costs of a process, not of the data.
    for (const key of ['overview', 'leadsFiltered', 'leadsList', 'stats'] as const) await ops[key]();
    const result: Record<string, OpFigure> = {};
    for (const key of Object.keys(SCALE_OPS) as OpKey[]) {
      if (only && !only.includes(key)) continue;
      const r = await measureOp(sampler, key.startsWith('export') ? 1 : runs, ops[key]);
      result[key] = r;
      process.stderr.write(
        `  scale-data.${provider}.${key}: ${r.ms.toFixed(0)} ms, +${r.rssIncreaseMb.toFixed(0)} MB RSS, loop max ${r.loopMaxMs.toFixed(1)} ms\n`,
      );
    }
    await http.close();
    await store.close();
    return { leads: n, generateSeconds, ops: result };
  } finally {
    await sampler.stop();
    rmSync(dir, { recursive: true, force: true });
    if (!opts.keep) await db.drop();
  }
}
