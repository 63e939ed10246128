/**
 * `leadbot start` through the real entry point: a fresh SQLite file is migrated, the bot idles
 * serving /healthz, and SIGINT shuts it down with exit code 0. And the store failures an
 * operator can cause are one line with exit code 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { ROOT, type RunningCli, runCli, startCli } from './run-cli.ts';

const FLOWS_DIR = join(ROOT, 'flows');
const running: RunningCli[] = [];
const temps: { cleanup(): void }[] = [];

afterEach(async () => {
  for (const r of running.splice(0)) {
    if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await r.exited;
  }
  for (const t of temps.splice(0)) t.cleanup();
});

function tempDb() {
  const db = tempSqliteUrl();
  temps.push(db);
  return { ...db, path: db.url.slice('file:'.length) };
}

function tables(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    return (rows as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

describe('leadbot start', () => {
  it('migrates an empty SQLite database, serves /healthz, idles, and stops on SIGINT with exit 0', async () => {
    const db = tempDb();
    const bot = startCli(['start'], { DATABASE_URL: db.url, PORT: '0', FLOWS_DIR, WEB_CHAT: 'off' });
    running.push(bot);
    const ready = await bot.waitForLog('leadbot ready');

    expect(tables(db.path)).toEqual(expect.arrayContaining(['_prisma_migrations', 'Lead', 'Conversation']));
    expect(ready.adapters).toEqual([]);
    expect(bot.logs.some((l) => String(l.msg).startsWith('no chat platform configured'))).toBe(true);

    const health = await fetch(`${ready.http}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });

    bot.child.kill('SIGINT');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(bot.logs.some((l) => l.msg === 'shutting down')).toBe(true);
    expect(bot.stderr()).toBe('');
  });

  it('migrate applies everything once, then reports the database up to date', async () => {
    const db = tempDb();
    const first = await runCli(['migrate'], { DATABASE_URL: db.url });
    expect(first.code, first.stderr).toBe(0);
    const applied = JSON.parse(first.stdout.trim().split('\n').at(-1)!) as { applied: string[] };
    expect(applied.applied.length).toBeGreaterThan(0);
    const second = await runCli(['migrate'], { DATABASE_URL: db.url });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      applied: [],
      msg: 'database is up to date',
    });
  });

  it('a database path that cannot be created (parent is a regular file, fails even as root) is one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadbot-ro-'));
    temps.push({ cleanup: () => rmSync(dir, { recursive: true, force: true }) });
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    const result = await runCli(['start'], {
      DATABASE_URL: `file:${join(dir, 'not-a-dir', 'data', 'leadbot.db')}`,
      PORT: '0',
      FLOWS_DIR,
    });
    expect(result.code, result.stderr).toBe(2);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^leadbot: .*not-a-dir.* — .+/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a PORT already in use is one line naming PORT, exit 2', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const db = tempDb();
      const result = await runCli(['start'], {
        DATABASE_URL: db.url,
        PORT: String(port),
        FLOWS_DIR,
        WEB_CHAT: 'off',
      });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toBe(
        `leadbot: PORT="${port}" is already in use on 127.0.0.1:${port} — stop the other process or set another PORT\n`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('an unreachable PostgreSQL server is one line, exit 2', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const result = await runCli(['start'], {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/leadbot',
      PORT: '0',
      FLOWS_DIR,
    });
    expect(result.code, result.stderr).toBe(2);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^leadbot: .+ — .+/);
  });
});
