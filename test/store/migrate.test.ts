import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { isLeadbotError } from '../../src/core/errors.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { defaultMigrationsDir, listMigrationNames, type Provider } from '../../src/store/migrations-dir.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of the shipped migrations plus one that creates a table and then fails. */
function brokenMigrationsDir(provider: Provider): string {
  const dir = mkdtempSync(join(tmpdir(), 'leadbot-migrations-'));
  tempDirs.push(dir);
  cpSync(defaultMigrationsDir(provider), dir, { recursive: true });
  mkdirSync(join(dir, '29990101000000_broken'));
  writeFileSync(
    join(dir, '29990101000000_broken', 'migration.sql'),
    'CREATE TABLE "Extra" ("id" TEXT PRIMARY KEY);\nALTER TABLE "NoSuchTable" ADD COLUMN "x" TEXT;\n',
  );
  return dir;
}

const shipped = (p: Provider) => listMigrationNames(defaultMigrationsDir(p));

async function expectCode(promise: Promise<unknown>, code: string): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isLeadbotError(error, code as never)).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`expected ${code}`);
}

describe('migrateDatabase on SQLite', () => {
  it('applies every migration to a fresh file (creating its directory), then nothing', async () => {
    const tmp = tempSqliteUrl();
    try {
      const url = `file:${join(tmp.dir, 'nested', 'dir', 'leadbot.db')}`;
      expect((await migrateDatabase(url)).applied).toEqual(shipped('sqlite'));
      expect((await migrateDatabase(url)).applied).toEqual([]);
      const db = new Database(join(tmp.dir, 'nested', 'dir', 'leadbot.db'));
      const rows = db
        .prepare('SELECT migration_name, checksum, finished_at FROM _prisma_migrations')
        .all() as {
        migration_name: string;
        checksum: string;
        finished_at: unknown;
      }[];
      db.close();
      expect(rows.map((r) => r.migration_name)).toEqual(shipped('sqlite'));
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum) && r.finished_at !== null)).toBe(true);
    } finally {
      tmp.cleanup();
    }
  });

  it('a failing migration leaves the database unchanged and names the migration', async () => {
    const tmp = tempSqliteUrl();
    try {
      await migrateDatabase(tmp.url);
      const message = await expectCode(
        migrateDatabase(tmp.url, { migrationsDir: brokenMigrationsDir('sqlite') }),
        'MIGRATION_FAILED',
      );
      expect(message).toContain('migration 29990101000000_broken failed: no such table: NoSuchTable');
      expect(message).not.toContain('\n');
      const db = new Database(join(tmp.dir, 'leadbot.db'));
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE name = 'Extra'").all();
      const names = db.prepare('SELECT migration_name FROM _prisma_migrations').all();
      db.close();
      expect(tables).toEqual([]);
      expect(names).toHaveLength(shipped('sqlite').length);
      // Still usable: the shipped migrations are all there, nothing left to apply.
      expect((await migrateDatabase(tmp.url)).applied).toEqual([]);
    } finally {
      tmp.cleanup();
    }
  });

  it('an unwritable directory gives STORE_UNAVAILABLE with the fix', async () => {
    // Tests may run as root, which ignores chmod; /sys is read-only even for root.
    const message = await expectCode(migrateDatabase('file:/sys/leadbot-test.db'), 'STORE_UNAVAILABLE');
    expect(message).toMatch(
      /cannot create SQLite database at \/sys\/leadbot-test\.db: directory is read-only/,
    );
    expect(message).toContain('set DATABASE_URL to a writable path');
  });

  it('an unsupported URL gives CONFIG_INVALID', async () => {
    await expectCode(migrateDatabase('mysql://localhost/x'), 'CONFIG_INVALID');
  });
});

describe('migrateDatabase on PostgreSQL', async () => {
  const db: TestDatabase | null = await createTestDatabase();
  afterAll(async () => db?.drop());

  it.skipIf(!db)(
    'applies every migration, then nothing; a failing one leaves the database unchanged',
    async () => {
      if (!db) return;
      expect((await migrateDatabase(db.url)).applied).toEqual(shipped('postgres'));
      expect((await migrateDatabase(db.url)).applied).toEqual([]);
      const message = await expectCode(
        migrateDatabase(db.url, { migrationsDir: brokenMigrationsDir('postgres') }),
        'MIGRATION_FAILED',
      );
      expect(message).toContain('29990101000000_broken');
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const extra = await client.query('SELECT to_regclass(\'public."Extra"\') AS t');
        expect(extra.rows[0].t).toBeNull();
        const rows = await client.query(
          'SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name',
        );
        expect(rows.rows.map((r) => r.migration_name)).toEqual(shipped('postgres'));
      } finally {
        await client.end();
      }
    },
  );

  it('a missing database gives STORE_UNAVAILABLE saying how to create it', async () => {
    const message = await expectCode(
      migrateDatabase('postgresql://postgres@127.0.0.1:5432/leadbot_surely_missing'),
      'STORE_UNAVAILABLE',
    );
    expect(message).toContain('database does not exist; create it (createdb leadbot_surely_missing)');
  });

  it('an unreachable server gives STORE_UNAVAILABLE with the fix', async () => {
    const message = await expectCode(
      migrateDatabase('postgresql://postgres@127.0.0.1:1/x'),
      'STORE_UNAVAILABLE',
    );
    expect(message).toMatch(/cannot connect to PostgreSQL at 127\.0\.0\.1:1\/x: .*fix DATABASE_URL/);
  });
});
