/**
 * `npm run bench`: every figure of issues 8 and 19 in one run, printed as a table and written as JSON
 * (`bench/results/<date>.json` + `latest.json`) and into docs/benchmarks.md.
 *
 *   npm run bench                 one pass: 284 s on a quiet 2-core machine (2026-12-07, every
 *                                 scenario but scale-data); at load ~16 the three Telegram
 *                                 scenarios alone took ~5 minutes
 *   npm run bench -- --runs 3     three passes; every figure is the median of the three
 *   npm run bench -- --only core  a single scenario (core, telegram, telegram-inproc,
 *                                 telegram-polling, alerts, memory, runtime, scale, wire)
 *   npm run bench -- --only scale-data [--leads N] [--ops overview,stats] [--store postgres]
 *                                 [--keep] [--db URL]   (keep the generated database / reuse one)
 *                                 1,000,000 stored leads on SQLite and PostgreSQL (not in the
 *                                 default run: generating them takes minutes)
 *
 * Figures are throughput and latency on this machine at this moment: compare runs from the
 * same machine, and prefer medians of several runs when other work is running.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { alertLatency } from './alerts.ts';
import { engineLoad, floorLoad, openLoop, ROOT } from './core.ts';
import { memoryFootprint } from './memory.ts';
import { runtimeFigures } from './runtime.ts';
import { webLoad } from './scale.ts';
import { scaleData } from './scale-data.ts';
import { median, round } from './stats.ts';
import { type Figures, table } from './table.ts';
import { leadbotTelegram, peerTelegram } from './telegram.ts';
import { leadbotInProcess, peerInProcess } from './telegram-inproc.ts';
import { leadbotPolling, peerPolling } from './telegram-polling.ts';
import { wireCost } from './wire.ts';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 1) || 1;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const wanted = (s: string) => !only || only === s;
/** Stored leads of the scale-data scenario. */
const SCALE_LEADS = Number(args.includes('--leads') ? args[args.indexOf('--leads') + 1] : 1_000_000);
/** `--ops overview,stats`: only these operations of scale-data. */
const SCALE_OPS_WANTED = args.includes('--ops') ? args[args.indexOf('--ops') + 1]?.split(',') : undefined;
/** `--store sqlite|postgres`: scale-data on one store only. */
const SCALE_STORES = (
  args.includes('--store') ? [args[args.indexOf('--store') + 1]] : ['sqlite', 'postgres']
) as ('sqlite' | 'postgres')[];
/** `--db URL` reuses a generated database (with `--store`); `--keep` leaves a new one in place. */
const SCALE_DB = args.includes('--db') ? args[args.indexOf('--db') + 1] : undefined;
const SCALE_KEEP = args.includes('--keep');

/** Messages per concurrency level: every level runs whole multiples of its people. */
const CORE_BUDGET: Record<number, number> = { 1: 1000, 100: 5000, 1000: 10000 };
/** Open loop: this many conversations in progress, messages arriving at this rate in total. */
const OPEN_PEOPLE = 1000;
const OPEN_RATE = 1000;
/** `leadbot start` runs timed to ready per pass (the figure is their median). */
const RUNTIME_STARTS = 7;
/** Telegram chats at once in process and with long polling. */
const TELEGRAM_CHATS = 100;
/** Chats of the unmeasured warm-up run of each bot in process. */
const TELEGRAM_WARMUP_CHATS = 20;

const failures: string[] = [];

async function pass(): Promise<Figures> {
  const f: Figures = {};
  /** A failing scenario is reported and leaves its figures out; the others still run. */
  const attempt = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
      process.stderr.write(`  ${name} failed: ${(err as Error).message}\n`);
    }
  };
  const log = (k: string, v: number) => {
    f[k] = v;
    process.stderr.write(`  ${k} = ${round(v, 2)}\n`);
  };
  if (wanted('core'))
    await attempt('core', async () => {
      for (const provider of ['sqlite', 'postgres'] as const) {
        for (const c of [1, 100, 1000]) {
          const e = await engineLoad(provider, c, CORE_BUDGET[c]!);
          const fl = await floorLoad(provider, c, CORE_BUDGET[c]!);
          const k = `core.${provider}.c${c}`;
          log(`${k}.engine.perSecond`, e.perSecond);
          log(`${k}.engine.p50Ms`, e.p50Ms);
          log(`${k}.engine.p99Ms`, e.p99Ms);
          log(`${k}.engine.statementsPerMessage`, e.statementsPerMessage);
          log(`${k}.floor.perSecond`, fl.perSecond);
          log(`${k}.floor.p50Ms`, fl.p50Ms);
          log(`${k}.floor.p99Ms`, fl.p99Ms);
          log(`${k}.ratioToFloor`, e.perSecond / fl.perSecond);
        }
        const o = await openLoop(provider, OPEN_PEOPLE, OPEN_RATE);
        log(`core.${provider}.open.perSecond`, o.perSecond);
        log(`core.${provider}.open.p50Ms`, o.p50Ms);
        log(`core.${provider}.open.p99Ms`, o.p99Ms);
      }
    });
  if (wanted('telegram'))
    await attempt('telegram', async () => {
      // Chats at once: 100 with 8 questions, 30 with 30 (about 900 updates each).
      for (const [q, people] of [
        [8, 100],
        [30, 30],
      ] as const) {
        const l = await leadbotTelegram(q, people);
        const p = await peerTelegram(q, people);
        // Every update is answered (the fake refuses sends to chats it never saw: 403).
        for (const r of [l, p])
          if (r.sent < r.messages) throw new Error(`${r.sent} replies to ${r.messages} updates`);
        log(`telegram.q${q}.leadbot.perSecond`, l.perSecond);
        log(`telegram.q${q}.leadbot.p99Ms`, l.p99Ms);
        log(`telegram.q${q}.peer.perSecond`, p.perSecond);
        log(`telegram.q${q}.peer.p99Ms`, p.p99Ms);
        log(`telegram.q${q}.ratio`, l.perSecond / p.perSecond);
      }
    });
  if (wanted('telegram-inproc'))
    await attempt('telegram-inproc', async () => {
      // No HTTP: handleUpdate with the Bot API answered in process; 100 chats at once.
      for (const q of [8, 30] as const) {
        const k = `telegramInproc.q${q}`;
        // Steady state: each bot once on a few chats first, unmeasured, so neither pays for its
        // first compilations and loads in the measured run (with --only, the peer used to run
        // cold first and leadbot after it on a warm grammY; in the full run both were warm).
        await peerInProcess(q, TELEGRAM_WARMUP_CHATS);
        await leadbotInProcess(q, TELEGRAM_WARMUP_CHATS);
        const p = await peerInProcess(q, TELEGRAM_CHATS);
        // The breakdown (without manager commands, outreach, person commands): 8 questions only.
        const bare = q === 8 ? await leadbotInProcess(q, TELEGRAM_CHATS, { community: false }) : undefined;
        const l = await leadbotInProcess(q, TELEGRAM_CHATS);
        for (const [who, r] of [
          ['leadbot', l],
          ['peer', p],
        ] as const) {
          log(`${k}.${who}.perSecond`, r.perSecond);
          log(`${k}.${who}.cpuUs`, r.cpuUsPerOp);
          log(`${k}.${who}.p50Ms`, r.p50Ms);
          log(`${k}.${who}.p99Ms`, r.p99Ms);
        }
        log(`${k}.leadbot.statements`, l.statementsPerUpdate);
        if (bare) {
          log(`${k}.bare.cpuUs`, bare.cpuUsPerOp);
          log(`${k}.bare.statements`, bare.statementsPerUpdate);
        }
        log(`${k}.cpuRatio`, l.cpuUsPerOp / p.cpuUsPerOp);
      }
    });
  if (wanted('telegram-polling'))
    await attempt('telegram-polling', async () => {
      const l = await leadbotPolling(8, TELEGRAM_CHATS);
      const p = await peerPolling(8, TELEGRAM_CHATS);
      log('telegramPolling.q8.leadbot.perSecond', l.perSecond);
      log('telegramPolling.q8.leadbot.p99Ms', l.p99Ms);
      log('telegramPolling.q8.peer.perSecond', p.perSecond);
      log('telegramPolling.q8.peer.p99Ms', p.p99Ms);
      log('telegramPolling.q8.ratio', l.perSecond / p.perSecond);
      // The process's CPU per update (bot, fake Bot API, driver; the same for both): on a busy
      // machine the rates follow the CPU share the process gets, this does much less.
      log('telegramPolling.q8.leadbot.cpuUs', l.cpuUsPerOp);
      log('telegramPolling.q8.peer.cpuUs', p.cpuUsPerOp);
      log('telegramPolling.q8.cpuRatio', l.cpuUsPerOp / p.cpuUsPerOp);
    });
  if (wanted('alerts'))
    await attempt('alerts', async () => {
      const a = await alertLatency('sqlite', 10, 5);
      log('alerts.p50Ms', a.p50Ms);
      log('alerts.p99Ms', a.p99Ms);
    });
  if (wanted('memory'))
    await attempt('memory', async () => {
      const m = await memoryFootprint(100_000, 1000);
      log('memory.loaded.rssMb', m.rssMb);
      log('memory.loaded.idleRssMb', m.idleRssMb);
    });
  if (wanted('runtime'))
    await attempt('runtime', async () => {
      const r = await runtimeFigures(RUNTIME_STARTS);
      log('runtime.readyMs', r.readyMs);
      for (const p of r.prints) {
        log(`runtime.${p.platform}.readyRssMb`, p.readyRssMb);
        log(`runtime.${p.platform}.idleRssMb`, p.idleRssMb);
      }
    });
  if (wanted('scale'))
    await attempt('scale', async () => {
      const one = await webLoad(1, 100, 50);
      const two = await webLoad(2, 100, 50);
      log('scale.one.perSecond', one.perSecond);
      log('scale.two.perSecond', two.perSecond);
      log('scale.ratio', two.perSecond / one.perSecond);
    });
  // Only on request: generating a million leads twice takes minutes.
  if (only === 'scale-data')
    await attempt('scale-data', async () => {
      for (const provider of SCALE_STORES) {
        const r = await scaleData(provider, SCALE_LEADS, {
          runs: 3,
          ...(SCALE_OPS_WANTED ? { only: SCALE_OPS_WANTED } : {}),
          ...(SCALE_DB ? { reuse: SCALE_DB } : {}),
          keep: SCALE_KEEP,
        });
        log(`scaleData.${provider}.leads`, r.leads);
        log(`scaleData.${provider}.generateSeconds`, r.generateSeconds);
        for (const [op, v] of Object.entries(r.ops)) {
          log(`scaleData.${provider}.${op}.ms`, v.ms);
          log(`scaleData.${provider}.${op}.rssIncreaseMb`, v.rssIncreaseMb);
          log(`scaleData.${provider}.${op}.loopMaxMs`, v.loopMaxMs);
        }
      }
    });
  if (wanted('wire'))
    await attempt('wire', async () => {
      for (const provider of ['sqlite', 'postgres'] as const) {
        const w = await wireCost(provider);
        log(`wire.${provider}.perSecond`, w.perSecond);
        log(`wire.${provider}.botUs`, w.botUsPerRequest);
        if (provider === 'postgres') log('wire.postgres.databaseUs', w.databaseUsPerRequest);
      }
    });
  return f;
}

const started = Date.now();
const passes: Figures[] = [];
for (let i = 0; i < runs; i++) {
  process.stderr.write(`pass ${i + 1}/${runs}\n`);
  passes.push(await pass());
}
const figures: Figures = {};
for (const k of new Set(passes.flatMap((p) => Object.keys(p))))
  figures[k] = median(passes.map((p) => p[k]!).filter((v) => Number.isFinite(v)));
if (failures.length) process.exitCode = 1;
const seconds = (Date.now() - started) / 1000;
const meta = {
  date: new Date().toISOString(),
  runs,
  seconds: round(seconds),
  node: process.version,
  cpus: cpus().length,
  loadNote: 'medians over the passes; other processes may have shared the machine',
};
const out = table(figures, { openPeople: OPEN_PEOPLE, openRate: OPEN_RATE, runtimeStarts: RUNTIME_STARTS });
console.log(out);
for (const f of failures) console.log(`FAILED ${f}`);
console.log(`${runs} pass(es) in ${round(seconds)} s; every figure is the median over the passes.`);

const dir = join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
const json = `${JSON.stringify({ ...meta, figures, failures, passes }, null, 2)}\n`;
writeFileSync(join(dir, `${meta.date.slice(0, 19).replaceAll(':', '-')}.json`), json);
writeFileSync(join(dir, 'latest.json'), json);
if (!only) {
  const docs = join(ROOT, 'docs/benchmarks.md');
  const text = readFileSync(docs, 'utf8');
  const [head, rest] = text.split('<!-- bench:start -->');
  const tail = rest?.split('<!-- bench:end -->')[1];
  if (head !== undefined && tail !== undefined) {
    const stamp = `_Generated by \`npm run bench -- --runs ${runs}\` on ${meta.date.slice(0, 10)} (Node ${meta.node}, ${meta.cpus} CPUs), ${round(seconds)} s._`;
    writeFileSync(docs, `${head}<!-- bench:start -->\n${stamp}\n\n${out}\n<!-- bench:end -->${tail}`);
  }
}
