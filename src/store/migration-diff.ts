/**
 * Computes the SQL that brings a database built from the migrations folder up to the current
 * schema file. Used by `npm run migration:new` and by the test that the migrations are current.
 *
 * The "previous schema" is rebuilt from the migrations themselves (the engine replays them into
 * a shadow database) rather than from a stored copy of an old schema file: the migrations are
 * what production databases actually ran, so a hand-edited migration.sql is taken into account
 * and there is no second copy that could drift.
 */
import { readFileSync } from 'node:fs';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DiffTarget } from '@prisma/schema-engine-wasm';
import {
  defaultMigrationsDir,
  listMigrationNames,
  type Provider,
  readMigrationList,
  schemaPath,
} from './migrations-dir.ts';
import { pgFactoryWithShadow } from './pg-engine-adapter.ts';
import { createSchemaEngine } from './schema-engine.ts';
import { forSchemaEngine } from './sqlite-migration-adapter.ts';

/** Server on which PostgreSQL shadow databases are created (and dropped) while diffing. */
export const DEFAULT_SHADOW_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface DiffOptions {
  migrationsDir?: string;
  /** Schema text; defaults to `prisma/<provider>/schema.prisma`. */
  schemaText?: string;
  /**
   * PostgreSQL only: a database URL on a server where a temporary shadow database may be
   * created to replay the migrations. Defaults to {@link DEFAULT_SHADOW_SERVER_URL}.
   */
  shadowServerUrl?: string;
}

function adapterFactoryFor(
  provider: Provider,
  shadowServerUrl: string,
): SqlMigrationAwareDriverAdapterFactory {
  return provider === 'sqlite'
    ? forSchemaEngine(new PrismaBetterSqlite3({ url: ':memory:' }))
    : pgFactoryWithShadow(shadowServerUrl);
}

/**
 * Returns the migration SQL from "all migrations applied" to the schema, or null when there is
 * nothing to migrate.
 */
export async function diffMigrationsToSchema(
  provider: Provider,
  opts: DiffOptions = {},
): Promise<string | null> {
  const dir = opts.migrationsDir ?? defaultMigrationsDir(provider);
  const schemaText = opts.schemaText ?? readFileSync(schemaPath(provider), 'utf8');
  const factory = adapterFactoryFor(provider, opts.shadowServerUrl ?? DEFAULT_SHADOW_SERVER_URL);
  const engine = await createSchemaEngine('schema.prisma', schemaText, factory);
  try {
    const from: DiffTarget =
      listMigrationNames(dir).length === 0
        ? { tag: 'empty' }
        : { tag: 'migrations', ...readMigrationList(dir) };
    const result = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schemaText }] },
      script: true,
      // exitCode 2 means "there is a difference"; 0 means the migrations match the schema.
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.exitCode === 2 ? (result.stdout ?? '') : null;
  } finally {
    engine.free();
  }
}
