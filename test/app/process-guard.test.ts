/**
 * The process safety net in the real `leadbot start`. A preload (`inject-faults.mjs`) lets the
 * test cause the failures at a moment it picks: SIGUSR2 rejects a promise nobody handles,
 * SIGHUP throws from a timer. A rejection is logged with its error, counted in /metrics, and
 * the process keeps serving; an uncaught exception is logged, the store is closed and the
 * process exits 1 for its supervisor to restart it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { ROOT, type RunningCli, startCli } from './run-cli.ts';

const PRELOAD = ['--import', join(ROOT, 'test/app/inject-faults.mjs')];
const running: RunningCli[] = [];
const temps: { cleanup(): void }[] = [];

afterEach(async () => {
  for (const r of running.splice(0)) {
    if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await r.exited;
  }
  for (const t of temps.splice(0)) t.cleanup();
});

async function startWithFaults(): Promise<{ bot: RunningCli; http: string; dir: string }> {
  const db = tempSqliteUrl();
  temps.push(db);
  const bot = startCli(
    ['start'],
    { DATABASE_URL: db.url, PORT: '0', FLOWS_DIR: join(ROOT, 'flows'), WEB_CHAT: 'off' },
    { nodeArgs: PRELOAD },
  );
  running.push(bot);
  const ready = await bot.waitForLog('leadbot ready');
  return { bot, http: String(ready.http), dir: db.dir };
}

async function rejectionsCounted(http: string): Promise<number> {
  const text = await (await fetch(`${http}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('leadbot_unhandled_rejections_total '));
  return Number(line?.split(' ')[1]);
}

const REJECTION_LOG = 'unhandled promise rejection (a callback nobody awaited); the process keeps running';

describe('process safety net', () => {
  it('an unhandled rejection is logged and counted, and the process keeps serving', async () => {
    const { bot, http } = await startWithFaults();
    expect(await rejectionsCounted(http)).toBe(0);

    bot.child.kill('SIGUSR2');
    const logged = await bot.waitForLog(REJECTION_LOG);
    expect(logged).toMatchObject({
      level: 50,
      unhandledRejections: 1,
      err: { message: 'injected rejection' },
    });
    expect(String((logged.err as { stack: string }).stack)).toContain('inject-faults.mjs');
    bot.child.kill('SIGUSR2');
    await expect.poll(() => rejectionsCounted(http)).toBe(2);
    console.log(
      `unhandled rejections: 2 logged, /metrics counts ${await rejectionsCounted(http)}, process up`,
    );

    expect((await fetch(`${http}/healthz`)).status).toBe(200);
    expect(bot.child.exitCode).toBeNull();
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
  });

  it('an uncaught exception is logged, closes the store and exits 1', async () => {
    const { bot, dir } = await startWithFaults();
    const began = performance.now();
    bot.child.kill('SIGHUP');
    const exit = await bot.exited;
    console.log(
      `uncaught exception: exit ${exit.code} after ${((performance.now() - began) / 1000).toFixed(2)} s`,
    );
    expect(exit).toEqual({ code: 1, signal: null });
    const fatal = bot.logs.find((l) => l.msg === 'uncaught exception: closing the store and exiting');
    expect(fatal).toMatchObject({
      level: 60,
      origin: 'uncaughtException',
      err: { message: 'injected exception' },
    });
    expect(bot.stderr()).toMatch(/^leadbot: uncaught exception, exiting .*\nError: injected exception\n/);
    // SQLite removes the write-ahead log only when its last connection closes cleanly.
    expect(readdirSync(dir).filter((f) => f.endsWith('-wal'))).toEqual([]);
  });
});
