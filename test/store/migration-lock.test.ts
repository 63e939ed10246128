/**
 * PostgreSQL migrations take an advisory lock, so instances that start together migrate once.
 * Through the real entry point: two `leadbot migrate` at once on a fresh database both exit 0
 * and every migration is recorded once; while another session holds the lock, `migrate`
 * waits (and says so) and touches nothing until it is released, and a `start` waiting for it
 * stops at once on SIGTERM.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATION_LOCK_KEY } from '../../src/store/migration-lock.ts';
import { defaultMigrationsDir, listMigrationNames } from '../../src/store/migrations-dir.ts';
import { ROOT, runCli, startCli } from '../app/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';

const shipped = listMigrationNames(defaultMigrationsDir('postgres'));
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.drop();
});

async function freshDatabase(): Promise<TestDatabase | null> {
  const db = await createTestDatabase();
  if (db) databases.push(db);
  return db;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const lastLog = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as { applied: string[] };

describe('leadbot migrate on PostgreSQL, several at once', () => {
  it('two processes on one fresh database: both exit 0, each migration recorded once', async () => {
    const db = await freshDatabase();
    if (!db) return;
    const began = performance.now();
    const [a, b] = await Promise.all([
      runCli(['migrate'], { DATABASE_URL: db.url }),
      runCli(['migrate'], { DATABASE_URL: db.url }),
    ]);
    console.log(
      `two concurrent migrates: exit ${a.code} and ${b.code} in ${((performance.now() - began) / 1000).toFixed(1)} s`,
    );
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    // One applied everything, the other found nothing left to do.
    expect(
      [lastLog(a.stdout).applied, lastLog(b.stdout).applied].sort((x, y) => x.length - y.length),
    ).toEqual([[], shipped]);
    const rows = await query<{ migration_name: string; finished: boolean }>(
      db.url,
      'SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows).toEqual(shipped.map((migration_name) => ({ migration_name, finished: true })));
  });

  it('waits while another session holds the lock, then migrates', async () => {
    const db = await freshDatabase();
    if (!db) return;
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
      const migrate = startCli(['migrate'], { DATABASE_URL: db.url });
      await migrate.waitForLog('another instance is migrating the database; waiting for it to finish');
      // Still waiting a moment later, and nothing touched.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(migrate.child.exitCode).toBeNull();
      expect(
        await query(
          db.url,
          "SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = '_prisma_migrations'",
        ),
      ).toEqual([]);

      await holder.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
      expect((await migrate.exited).code, migrate.stderr()).toBe(0);
      const rows = await query<{ n: string }>(db.url, 'SELECT count(*) AS n FROM _prisma_migrations');
      expect(Number(rows[0]!.n)).toBe(shipped.length);
    } finally {
      await holder.end();
    }
  });

  it('SIGTERM to a start waiting for the lock ends it within 5 s', async () => {
    const db = await freshDatabase();
    if (!db) return;
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
      const bot = startCli(['start'], {
        DATABASE_URL: db.url,
        PORT: '0',
        FLOWS_DIR: join(ROOT, 'flows'),
        WEB_CHAT: 'off',
      });
      await bot.waitForLog('another instance is migrating the database; waiting for it to finish');
      const began = performance.now();
      bot.child.kill('SIGTERM');
      const exit = await bot.exited;
      const seconds = (performance.now() - began) / 1000;
      console.log(
        `SIGTERM while waiting for the migration lock: exit ${exit.code} after ${seconds.toFixed(2)} s`,
      );
      expect(exit).toEqual({ code: 0, signal: null });
      expect(seconds).toBeLessThan(5);
      expect(bot.logs.map((l) => l.msg)).toContain('start aborted; stopped cleanly');
    } finally {
      await holder.end();
    }
  });
});
