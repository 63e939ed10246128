/**
 * `leadbot start` fails fast and stops on the first signal, through the real entry point:
 * a platform API that refuses connections or accepts them and never answers ends the start
 * with one line naming the variable to check and exit 2 well within 30 s; SIGTERM while the
 * start waits ends it within 5 s after closing what was opened; a DATABASE_URL under /proc
 * (where Node's recursive mkdir spins forever) is one line at once.
 */
import { existsSync, readdirSync } from 'node:fs';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { startFakeTelegramApi } from '../fakes/telegram-api.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { ROOT, type RunningCli, runCli, startCli } from './run-cli.ts';

const FLOWS_DIR = join(ROOT, 'flows');
const TELEGRAM_TOKEN = '123456:test-token';
/**
 * Cleans up after the test that asked. The tests run one after the other: several starts at
 * once on two cores would measure CPU contention rather than the deadlines.
 */
type Defer = TestContext['onTestFinished'];

function tempDb(defer: Defer): { url: string; dir: string } {
  const db = tempSqliteUrl();
  defer(() => db.cleanup());
  return db;
}

/** A loopback port nobody listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Accepts connections and never answers a byte, like a black-holed API behind a proxy. */
async function silentServer(defer: Defer): Promise<{ url: string; connected: Promise<void> }> {
  const sockets = new Set<Socket>();
  let onConnect = () => {};
  const connected = new Promise<void>((resolve) => {
    onConnect = resolve;
  });
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onConnect();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connected };
}

function baseEnv(db: { url: string }): Record<string, string> {
  return { DATABASE_URL: db.url, PORT: '0', FLOWS_DIR, WEB_CHAT: 'off' };
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const began = performance.now();
  const result = await run();
  return { result, seconds: (performance.now() - began) / 1000 };
}

function stderrLines(stderr: string): string[] {
  return stderr.split('\n').filter(Boolean);
}

describe('leadbot start against platforms that do not answer', () => {
  it('Telegram API on a port nobody listens on: one line naming TELEGRAM_API_ROOT, exit 2, < 30 s', async ({
    onTestFinished,
  }) => {
    const root = `http://127.0.0.1:${await closedPort()}`;
    const { result, seconds } = await timed(() =>
      runCli(['start'], {
        ...baseEnv(tempDb(onTestFinished)),
        TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
        TELEGRAM_API_ROOT: root,
      }),
    );
    console.log(`Telegram API refusing connections: exit ${result.code} after ${seconds.toFixed(1)} s`);
    expect(result.code, result.stderr).toBe(2);
    expect(stderrLines(result.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(`^leadbot: TELEGRAM_API_ROOT ${root} does not answer \\(ECONNREFUSED, .+\\) — check it$`),
      ),
    ]);
    expect(seconds).toBeLessThan(30);
  });

  it('Telegram API that accepts and never answers: one line, exit 2, < 30 s', async ({ onTestFinished }) => {
    const silent = await silentServer(onTestFinished);
    const { result, seconds } = await timed(() =>
      runCli(['start'], {
        ...baseEnv(tempDb(onTestFinished)),
        TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
        TELEGRAM_API_ROOT: silent.url,
      }),
    );
    console.log(`Telegram API never answering: exit ${result.code} after ${seconds.toFixed(1)} s`);
    expect(result.code, result.stderr).toBe(2);
    expect(stderrLines(result.stderr)).toEqual([
      `leadbot: TELEGRAM_API_ROOT ${silent.url} does not answer (no answer within 10 s) — check it`,
    ]);
    expect(seconds).toBeLessThan(30);
  });

  it('SIGTERM while start waits for the platform: exits 0 within 5 s, store closed', async ({
    onTestFinished,
  }) => {
    const silent = await silentServer(onTestFinished);
    const db = tempDb(onTestFinished);
    const bot: RunningCli = startCli(['start'], {
      ...baseEnv(db),
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_API_ROOT: silent.url,
    });
    onTestFinished(async () => {
      if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
      await bot.exited;
    });
    await bot.waitForLog('store opened');
    await silent.connected; // getMe is on its way: start is waiting for Telegram
    const { result, seconds } = await timed(async () => {
      bot.child.kill('SIGTERM');
      return bot.exited;
    });
    console.log(`SIGTERM during start: exit ${result.code} after ${seconds.toFixed(2)} s`);
    expect(result).toEqual({ code: 0, signal: null });
    expect(seconds).toBeLessThan(5);
    expect(bot.logs.map((l) => l.msg)).toContain('start aborted; stopped cleanly');
    expect(bot.stderr()).toBe('');
    // SQLite removes the write-ahead log when its last connection closes cleanly.
    expect(readdirSync(db.dir).filter((f) => f.endsWith('-wal'))).toEqual([]);
  });

  it('a token Telegram refuses is one line naming TELEGRAM_BOT_TOKEN, exit 2', async ({ onTestFinished }) => {
    const api = await startFakeTelegramApi();
    onTestFinished(() => api.close());
    const result = await runCli(['start'], {
      ...baseEnv(tempDb(onTestFinished)),
      TELEGRAM_BOT_TOKEN: '999:wrong',
      TELEGRAM_API_ROOT: api.apiRoot,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(stderrLines(result.stderr)).toEqual([
      expect.stringMatching(/^leadbot: TELEGRAM_BOT_TOKEN is refused by Telegram \(401 .+\) — check it/),
    ]);
  });

  it('Slack and Discord APIs refusing connections name SLACK_API_URL and DISCORD_API_URL', async ({
    onTestFinished,
  }) => {
    const port = await closedPort();
    const [slack, discord] = await Promise.all([
      runCli(['start'], {
        ...baseEnv(tempDb(onTestFinished)),
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'test-signing-secret',
        SLACK_API_URL: `http://127.0.0.1:${port}/api/`,
      }),
      runCli(['start'], {
        ...baseEnv(tempDb(onTestFinished)),
        DISCORD_TOKEN: 'MTMwMDAwMDAwMDAwMDAwMDAwMQ.Gabcde.abcdefghijklmnopqrstuvwxyz012345',
        DISCORD_APPLICATION_ID: '1300000000000000001',
        DISCORD_API_URL: `http://127.0.0.1:${port}/api`,
      }),
    ]);
    expect(slack.code, slack.stderr).toBe(2);
    expect(stderrLines(slack.stderr)).toEqual([
      expect.stringMatching(/^leadbot: SLACK_API_URL \S+ does not answer \(ECONNREFUSED, .+\) — check it$/),
    ]);
    expect(discord.code, discord.stderr).toBe(2);
    expect(stderrLines(discord.stderr)).toEqual([
      expect.stringMatching(/^leadbot: DISCORD_API_URL \S+ does not answer \(ECONNREFUSED, .+\) — check it$/),
    ]);
  });
});

describe('leadbot start with a DATABASE_URL that cannot work', () => {
  it.skipIf(!existsSync('/proc/self'))('file:/proc/nope/x.db is one line and exit 2 at once', async () => {
    const { result, seconds } = await timed(() =>
      runCli(['start'], { DATABASE_URL: 'file:/proc/nope/x.db', PORT: '0', FLOWS_DIR, WEB_CHAT: 'off' }),
    );
    console.log(`DATABASE_URL=file:/proc/nope/x.db: exit ${result.code} after ${seconds.toFixed(1)} s`);
    expect(result.code, result.stderr).toBe(2);
    expect(stderrLines(result.stderr)).toEqual([
      'leadbot: cannot create directory /proc/nope for the SQLite database (ENOENT) — set DATABASE_URL to a writable path',
    ]);
    expect(seconds).toBeLessThan(10);
  });
});
