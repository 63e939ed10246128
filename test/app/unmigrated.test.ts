/**
 * Commands that read the database, and `start --no-migrate`, on a database that is not
 * migrated or does not exist, through the real entry point: one line saying what to do, exit
 * 2, and nothing created (a mistyped DATABASE_URL must not leave an empty database behind).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { ROOT, runCli } from './run-cli.ts';

const FLOWS_DIR = join(ROOT, 'flows');
const COMMANDS = [
  ['leads', 'list'],
  ['leads', 'show', 'x'],
  ['webhooks', 'log'],
  ['scoring', 'report'],
  ['start', '--no-migrate'],
];
const NOT_MIGRATED =
  /^leadbot: the database is not migrated \(\d+ migrations? pending, from \w+\) — run leadbot migrate$/;

/** A real SQLite file holding one unrelated table: a database leadbot never migrated. */
function unmigratedFile(path: string): void {
  const db = new Database(path);
  db.exec('CREATE TABLE notes (text TEXT)');
  db.close();
}

const lines = (text: string) => text.split('\n').filter(Boolean);

describe('commands on an unmigrated or missing SQLite database', () => {
  const cases = COMMANDS.map((command) => ({ name: command.join(' '), command }));
  it.concurrent.for(cases)('$name: exit 2, one line, nothing created', async ({ command }) => {
    const unmigrated = tempSqliteUrl();
    const missing = tempSqliteUrl();
    try {
      const path = unmigrated.url.slice('file:'.length);
      unmigratedFile(path);
      const size = statSync(path).size;
      const env = { PORT: '0', FLOWS_DIR, WEB_CHAT: 'off' };
      const began = performance.now();
      const [onUnmigrated, onMissing] = await Promise.all([
        runCli(command, { ...env, DATABASE_URL: unmigrated.url }),
        runCli(command, { ...env, DATABASE_URL: `file:${join(missing.dir, 'typo', 'leadbot.db')}` }),
      ]);
      console.log(
        `${command.join(' ')}: exit ${onUnmigrated.code} (unmigrated), ${onMissing.code} (missing) in ${((performance.now() - began) / 1000).toFixed(1)} s`,
      );

      expect(onUnmigrated.code, onUnmigrated.stderr).toBe(2);
      expect(lines(onUnmigrated.stderr)).toEqual([expect.stringMatching(NOT_MIGRATED)]);
      expect(onUnmigrated.stdout).toBe('');
      // The file is as it was: no migration table, no write-ahead log left behind.
      expect(readdirSync(unmigrated.dir)).toEqual(['leadbot.db']);
      expect(statSync(path).size).toBe(size);

      expect(onMissing.code, onMissing.stderr).toBe(2);
      expect(lines(onMissing.stderr)).toEqual([
        `leadbot: the SQLite database ${join(missing.dir, 'typo', 'leadbot.db')} does not exist — check DATABASE_URL, or run leadbot migrate to create it`,
      ]);
      expect(existsSync(join(missing.dir, 'typo'))).toBe(false);
    } finally {
      unmigrated.cleanup();
      missing.cleanup();
    }
  });

  it('migrate still creates the file, and the commands then work', async () => {
    const db = tempSqliteUrl();
    try {
      const url = `file:${join(db.dir, 'new', 'leadbot.db')}`;
      const migrated = await runCli(['migrate'], { DATABASE_URL: url });
      expect(migrated.code, migrated.stderr).toBe(0);
      const listed = await runCli(['leads', 'list'], { DATABASE_URL: url });
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toBe('no leads\n');
    } finally {
      db.cleanup();
    }
  });
});

describe('commands on an unmigrated PostgreSQL database', () => {
  it('leads list and start --no-migrate: exit 2, one line, no table created', async () => {
    const pg = await createTestDatabase();
    if (!pg) return;
    try {
      const env = { DATABASE_URL: pg.url, PORT: '0', FLOWS_DIR, WEB_CHAT: 'off' };
      const results = await Promise.all([
        runCli(['leads', 'list'], env),
        runCli(['start', '--no-migrate'], env),
      ]);
      for (const r of results) {
        expect(r.code, r.stderr).toBe(2);
        expect(lines(r.stderr)).toEqual([expect.stringMatching(NOT_MIGRATED)]);
      }
      const { default: pgLib } = await import('pg');
      const client = new pgLib.Client({ connectionString: pg.url });
      await client.connect();
      try {
        const tables = await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
        expect(tables.rows).toEqual([]);
      } finally {
        await client.end();
      }
    } finally {
      await pg.drop();
    }
  });
});
