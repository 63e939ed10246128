/**
 * The two schema files and the two migration folders must tell the same story:
 * the PostgreSQL schema is derived from the SQLite one, and replaying each provider's
 * migrations yields exactly its schema (otherwise someone forgot `npm run migration:new`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { diffMigrationsToSchema } from '../../src/store/migration-diff.ts';
import { PROJECT_ROOT, schemaPath } from '../../src/store/migrations-dir.ts';
import { createTestDatabase } from '../helpers/postgres.ts';

/** The schema with one extra column, to prove the diff sees a change. */
function withExtraColumn(provider: 'sqlite' | 'postgres'): string {
  return readFileSync(schemaPath(provider), 'utf8').replace(
    /model Note \{\n/,
    'model Note {\n  pinned    Boolean  @default(false)\n',
  );
}

describe('schema sync', () => {
  it('prisma/postgres/schema.prisma is what derive-postgres-schema.mjs derives', () => {
    // --check exits non-zero (and execFileSync throws) when the files differ.
    expect(() =>
      execFileSync(process.execPath, ['scripts/derive-postgres-schema.mjs', '--check'], {
        cwd: PROJECT_ROOT,
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it('SQLite migrations produce exactly the SQLite schema', async () => {
    expect(await diffMigrationsToSchema('sqlite')).toBeNull();
    expect(await diffMigrationsToSchema('sqlite', { schemaText: withExtraColumn('sqlite') })).toMatch(
      /ALTER TABLE|CREATE TABLE "new_Note"/,
    );
  });

  describe('PostgreSQL', async () => {
    const db = await createTestDatabase();
    afterAll(async () => db?.drop());

    it.skipIf(!db)('PostgreSQL migrations produce exactly the PostgreSQL schema', async () => {
      if (!db) return;
      // Shadow databases are created next to the test database and dropped after the diff.
      expect(await diffMigrationsToSchema('postgres', { shadowServerUrl: db.url })).toBeNull();
      const sql = await diffMigrationsToSchema('postgres', {
        shadowServerUrl: db.url,
        schemaText: withExtraColumn('postgres'),
      });
      expect(sql).toContain('ALTER TABLE "Note" ADD COLUMN     "pinned" BOOLEAN NOT NULL DEFAULT false');
    });
  });
});
