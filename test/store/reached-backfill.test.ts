/**
 * The reporting migration fills `reachedMqlAt`/`reachedSqlAt` of existing leads from their
 * stage history (the first change to MQL, to SQL), on SQLite and PostgreSQL.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { defaultMigrationsDir, type Provider } from '../../src/store/migrations-dir.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

const logger = pino({ level: 'silent' });
const tempDirs: string[] = [];
afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** The shipped migrations up to the one before the reporting migration. */
function migrationsBefore(provider: Provider): string {
  const dir = mkdtempSync(join(tmpdir(), 'leadbot-migrations-'));
  tempDirs.push(dir);
  cpSync(defaultMigrationsDir(provider), dir, { recursive: true });
  const names = readdirSync(dir).sort();
  const at = names.findIndex((n) => n.endsWith('_reporting_reached_stages'));
  expect(at).toBeGreaterThan(0);
  for (const n of names.slice(at)) if (n !== 'migration_lock.toml') rmSync(join(dir, n), { recursive: true });
  return dir;
}

const T = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 9, minutes));

/** Leads A (cold → MQL → SQL → MQL → SQL), B (cold → SQL → disqualified), C (cold). */
const LEADS = ['A', 'B', 'C'];
const CHANGES: [string, string, string, string | null, Date][] = [
  ['a1', 'A', 'MQL', 'cold', T(1)],
  ['a2', 'A', 'SQL', 'MQL', T(2)],
  ['a3', 'A', 'MQL', 'SQL', T(3)],
  ['a4', 'A', 'SQL', 'MQL', T(4)],
  ['b1', 'B', 'SQL', 'cold', T(5)],
  ['b2', 'B', 'disqualified', 'SQL', T(6)],
];

async function expectBackfilled(url: string): Promise<void> {
  const store = await openStore(url, { logger });
  try {
    const [a, b, c] = await Promise.all(LEADS.map((id) => store.getLead(id)));
    expect([a?.reachedMqlAt, a?.reachedSqlAt]).toEqual([T(1), T(2)]);
    expect([b?.reachedMqlAt, b?.reachedSqlAt]).toEqual([null, T(5)]);
    expect([c?.reachedMqlAt, c?.reachedSqlAt]).toEqual([null, null]);
    expect((await store.reporting!.funnel({})).overall).toEqual({
      leads: 3,
      mql: 2,
      sql: 2,
      claimed: 0,
      disqualified: 1,
    });
  } finally {
    await store.close();
  }
}

describe('the reporting migration backfills first arrivals', () => {
  it('on SQLite', async () => {
    const db = tempSqliteUrl();
    try {
      await migrateDatabase(db.url, { logger, migrationsDir: migrationsBefore('sqlite') });
      const raw = new Database(join(db.dir, 'leadbot.db'));
      const iso = (d: Date) => d.toISOString().replace('Z', '+00:00');
      const stageOf = { A: 'SQL', B: 'disqualified', C: 'cold' } as Record<string, string>;
      for (const id of LEADS)
        raw
          .prepare(`INSERT INTO "Lead" ("id", "stage", "createdAt", "updatedAt") VALUES (?, ?, ?, ?)`)
          .run(id, stageOf[id], iso(T(0)), iso(T(0)));
      for (const [id, lead, to, from, at] of CHANGES)
        raw
          .prepare(
            `INSERT INTO "StageChange" ("id", "leadId", "fromStage", "toStage", "reason", "actor", "createdAt")
             VALUES (?, ?, ?, ?, 'x', 'engine', ?)`,
          )
          .run(id, lead, from, to, iso(at));
      raw.close();
      expect((await migrateDatabase(db.url, { logger })).applied).toContainEqual(
        expect.stringMatching(/_reporting_reached_stages$/),
      );
      await expectBackfilled(db.url);
    } finally {
      db.cleanup();
    }
  });

  it('on PostgreSQL', async () => {
    const db = await createTestDatabase();
    if (!db) return;
    try {
      await migrateDatabase(db.url, { logger, migrationsDir: migrationsBefore('postgres') });
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const stageOf = { A: 'SQL', B: 'disqualified', C: 'cold' } as Record<string, string>;
      for (const id of LEADS)
        await client.query(
          `INSERT INTO "Lead" ("id", "stage", "createdAt", "updatedAt") VALUES ($1, $2, $3, $3)`,
          [id, stageOf[id], T(0).toISOString().replace('Z', '')],
        );
      for (const [id, lead, to, from, at] of CHANGES)
        await client.query(
          `INSERT INTO "StageChange" ("id", "leadId", "fromStage", "toStage", "reason", "actor", "createdAt")
           VALUES ($1, $2, $3, $4, 'x', 'engine', $5)`,
          [id, lead, from, to, at.toISOString().replace('Z', '')],
        );
      await client.end();
      expect((await migrateDatabase(db.url, { logger })).applied).toContainEqual(
        expect.stringMatching(/_reporting_reached_stages$/),
      );
      await expectBackfilled(db.url);
    } finally {
      await db.drop();
    }
  });
});
