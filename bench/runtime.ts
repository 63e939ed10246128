/**
 * The process itself, measured from outside as an operator sees it: how long `leadbot start`
 * takes from spawn to its first `/readyz` 200 (SQLite, migrated, no platform), and its RSS
 * (`/proc/<pid>/status`) when ready and once idle, with no platform and with each platform on
 * against the loopback fakes of test/fakes/. The children run on the Node that runs the bench
 * (run the bench with Node 24 for its figures) from this checkout, or from the checkout named
 * by LEADBOT_BENCH_ROOT (to measure an older commit with the same harness).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDS, startFakeDiscord } from '../test/fakes/discord-api.ts';
import { startFakeSlackApi } from '../test/fakes/slack-api.ts';
import { startFakeTelegramApi } from '../test/fakes/telegram-api.ts';
import { ROOT } from './core.ts';
import { freshDatabase } from './databases.ts';
import { median } from './stats.ts';

const LEADBOT_ROOT = process.env.LEADBOT_BENCH_ROOT ?? ROOT;
/**
 * How long "idle" waits after ready: V8's memory reducer gives back the heap that starting up
 * grew after ~8-10 s without work (later on a busy machine).
 */
export const IDLE_SETTLE_MS = 20_000;
const READY_TIMEOUT_MS = 60_000;

export type Platform = 'none' | 'telegram' | 'slack' | 'discord';

/** A running `leadbot start` and what it costs. */
export interface LeadbotProcess {
  child: ChildProcess;
  base: string;
  /** Spawn → first `/readyz` 200. */
  readyMs: number;
  stop(): Promise<void>;
}

/** A free loopback port (taken from the OS and released: the child listens on it next). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) / 1024;
}

/**
 * Spawns `node bin/leadbot.js start` on `databaseUrl` (migrated) with `env` added, polls
 * `/readyz` every 5 ms from the moment of the spawn and resolves once it answers 200.
 */
export async function startLeadbot(databaseUrl: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [join(LEADBOT_ROOT, 'bin/leadbot.js'), 'start'], {
    cwd: mkdtempSync(join(tmpdir(), 'leadbot-bench-')),
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: databaseUrl,
      FLOWS_DIR: join(LEADBOT_ROOT, 'flows'),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DASHBOARD_TOKEN: 'bench-Zq8vT3kLmN0pR5sW7yB2cE4g',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c) => (stderr += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  for (;;) {
    if (child.exitCode !== null) throw new Error(`leadbot start exited (${child.exitCode}): ${stderr}`);
    if (performance.now() - started > READY_TIMEOUT_MS) {
      await stop();
      throw new Error(`leadbot start not ready within ${READY_TIMEOUT_MS} ms: ${stderr}`);
    }
    const status = await fetch(`${base}/readyz`).then(
      async (r) => {
        await r.body?.cancel();
        return r.status;
      },
      () => 0,
    );
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return { child, base, readyMs: performance.now() - started, stop } satisfies LeadbotProcess;
}

/** Time to ready, `runs` starts one after the other on one migrated SQLite database (ms each). */
export async function timeToReady(runs: number): Promise<number[]> {
  const db = await freshDatabase('sqlite');
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const bot = await startLeadbot(db.url);
      times.push(bot.readyMs);
      await bot.stop();
    }
    return times;
  } finally {
    await db.drop();
  }
}

export interface Footprint {
  platform: Platform;
  readyMs: number;
  /** RSS as `/readyz` first answers 200. */
  readyRssMb: number;
  /** RSS {@link IDLE_SETTLE_MS} later, with no traffic. */
  idleRssMb: number;
}

/** The variables that turn a platform on against its fake (web chat stays on, as by default). */
async function platformEnv(
  platform: Platform,
): Promise<{ env: Record<string, string>; close: () => Promise<void> }> {
  if (platform === 'telegram') {
    const api = await startFakeTelegramApi();
    return {
      env: { TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot },
      close: () => api.close(),
    };
  }
  if (platform === 'slack') {
    const api = await startFakeSlackApi();
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-bench-token',
      SLACK_SIGNING_SECRET: 'bench-signing-secret',
      SLACK_API_URL: api.apiUrl,
      SLACK_BOT_ID: 'BBOT',
      SLACK_BOT_USER_ID: 'UBOT',
    };
    return { env, close: () => api.close() };
  }
  if (platform === 'discord') {
    const fake = await startFakeDiscord();
    const env = {
      DISCORD_TOKEN: 'fake-bot-token-abcdefghijklmnopqrstuvwxyz',
      DISCORD_APPLICATION_ID: IDS.application,
      DISCORD_API_URL: fake.apiUrl,
    };
    return { env, close: () => fake.close() };
  }
  return { env: {}, close: async () => {} };
}

/**
 * RSS of one idle `leadbot start` per platform, all running at once (each on its own migrated
 * SQLite file): when ready, and {@link IDLE_SETTLE_MS} later.
 */
export async function footprints(platforms: Platform[]): Promise<Footprint[]> {
  return Promise.all(
    platforms.map(async (platform) => {
      const db = await freshDatabase('sqlite');
      const fake = await platformEnv(platform);
      try {
        const bot = await startLeadbot(db.url, fake.env);
        try {
          const readyRssMb = rssMb(bot.child.pid!);
          await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
          return { platform, readyMs: bot.readyMs, readyRssMb, idleRssMb: rssMb(bot.child.pid!) };
        } finally {
          await bot.stop();
        }
      } finally {
        await fake.close();
        await db.drop();
      }
    }),
  );
}

/** Median time to ready over `runs` starts, with the idle footprints. */
export async function runtimeFigures(runs: number) {
  const times = await timeToReady(runs);
  const prints = await footprints(['none', 'telegram', 'slack', 'discord']);
  return { readyMs: median(times), times, prints };
}
