/**
 * Applies pending migrations from `prisma/<provider>/migrations` with the real Prisma schema
 * engine (wasm) through `applyMigrations`, which records `_prisma_migrations` exactly as
 * `prisma migrate deploy` does (same columns, sha256 checksums).
 *
 * Each migration runs as one transaction (SQLite gets BEGIN/COMMIT from sqlite-migration-adapter.ts, PostgreSQL from
 * pg-engine-adapter.ts). When one fails, the engine has
 * already written a "failed" row; we delete it so the database is exactly as before and the
 * fixed migration applies on the next start without `prisma migrate resolve`.
 */
import { readFileSync } from 'node:fs';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { raceSignal } from '../core/abort.ts';
import { LeadbotError } from '../core/errors.ts';
import type { Logger } from '../core/ports/index.ts';
import { ensurePostgresReachable, ensureSqliteWritable } from './availability.ts';
import { detectProvider, sqliteFilePath } from './database-url.ts';
import { openMigrationHistory } from './migration-history.ts';
import { acquireMigrationLock } from './migration-lock.ts';
import {
  defaultMigrationsDir,
  listMigrationNames,
  type Provider,
  readMigrationList,
  schemaPath,
} from './migrations-dir.ts';
import { pgFactoryWithShadow } from './pg-engine-adapter.ts';
import { createSchemaEngine, engineErrorMessage } from './schema-engine.ts';
import { forSchemaEngine } from './sqlite-migration-adapter.ts';

export interface MigrateOptions {
  logger?: Logger;
  /** Defaults to the shipped `prisma/<provider>/migrations`; tests point it at a copy. */
  migrationsDir?: string;
  /** Ends a wait for another instance's migration lock (PostgreSQL) with `signal.reason`. */
  signal?: AbortSignal;
}

/** The database error inside an engine error ("Database error:\n<line>"), else its first line. */
function databaseErrorLine(error: unknown): string {
  // Driver adapter errors keep the database's own wording in cause.originalMessage.
  const original = (error as { cause?: { originalMessage?: unknown } } | null)?.cause?.originalMessage;
  if (typeof original === 'string' && original.trim() !== '')
    return original.split('\n')[0]?.trim() ?? original;
  const text = error instanceof Error ? error.message : String(error);
  const match = /Database error:\s*\n([^\n]+)/.exec(text);
  return (match?.[1] ?? engineErrorMessage(error)).trim();
}

/**
 * Brings the database at `databaseUrl` up to date. Creates the SQLite file (and its directory)
 * if missing. Returns the names of the migrations applied by this call.
 * @throws LeadbotError STORE_UNAVAILABLE (cannot reach/create the database),
 *   MIGRATION_FAILED (a migration failed; the database is left as it was), CONFIG_INVALID.
 */
export async function migrateDatabase(
  databaseUrl: string,
  opts: MigrateOptions = {},
): Promise<{ applied: string[] }> {
  const provider = detectProvider(databaseUrl);
  const dir = opts.migrationsDir ?? defaultMigrationsDir(provider);
  if (provider === 'sqlite') {
    const path = sqliteFilePath(databaseUrl);
    ensureSqliteWritable(path);
    return applyPending(provider, path, forSchemaEngine(new PrismaBetterSqlite3({ url: path })), dir, opts);
  }
  await raceSignal(ensurePostgresReachable(databaseUrl), opts.signal);
  // Instances starting together migrate one after the other; the later ones find nothing to do.
  const lock = await acquireMigrationLock(databaseUrl, opts);
  try {
    opts.signal?.throwIfAborted();
    return await applyPending(provider, databaseUrl, pgFactoryWithShadow(databaseUrl), dir, opts);
  } finally {
    await lock.release();
  }
}

/** Applies what `dir` has and the database lacks; `historyTarget` is the SQLite path or the URL. */
async function applyPending(
  provider: Provider,
  historyTarget: string,
  factory: SqlMigrationAwareDriverAdapterFactory,
  dir: string,
  opts: MigrateOptions,
): Promise<{ applied: string[] }> {
  if (listMigrationNames(dir).length === 0) {
    throw new LeadbotError('MIGRATION_FAILED', `no migrations found in ${dir}`);
  }

  // SQLite: the engine holds its connection in EXCLUSIVE locking mode, so the history is read
  // before the engine starts and repaired only after its connections are closed.
  const before = await readHistoryIds(provider, historyTarget);
  const tracked = trackConnections(factory);
  const engine = await createSchemaEngine(
    'schema.prisma',
    readFileSync(schemaPath(provider), 'utf8'),
    tracked.factory,
  );
  let failure: unknown;
  let applied: string[] = [];
  try {
    const result = await engine.applyMigrations({
      migrationsList: readMigrationList(dir),
      filters: { externalTables: [], externalEnums: [] },
    });
    applied = result.appliedMigrationNames;
  } catch (error) {
    failure = error;
  } finally {
    engine.free();
    await tracked.disposeAll();
  }
  if (failure === undefined) {
    for (const name of applied) opts.logger?.info({ migration: name, provider }, 'migration applied');
    return { applied };
  }
  const history = await openMigrationHistory(provider, historyTarget);
  let name: string | undefined;
  try {
    const failed = (await history.rows()).filter(
      (r) => !before.has(r.id) && r.finished_at === null && r.rolled_back_at === null,
    );
    await history.deleteRows(failed.map((r) => r.id));
    name = failed[0]?.migration_name;
  } finally {
    await history.close();
  }
  const what = name ? `migration ${name} failed` : 'migrations failed';
  opts.logger?.error({ migration: name, provider }, 'migration failed');
  throw new LeadbotError(
    'MIGRATION_FAILED',
    `${what}: ${databaseErrorLine(tracked.lastScriptError() ?? failure)} (database left unchanged; fix the migration and start again)`,
    { cause: failure },
  );
}

async function readHistoryIds(provider: Provider, target: string): Promise<Set<string>> {
  const history = await openMigrationHistory(provider, target);
  try {
    return new Set((await history.rows()).map((r) => r.id));
  } finally {
    await history.close();
  }
}

/** Remembers every connection the engine opens so they are surely closed after it is freed. */
function trackConnections(factory: SqlMigrationAwareDriverAdapterFactory): {
  factory: SqlMigrationAwareDriverAdapterFactory;
  disposeAll(): Promise<void>;
  /** The database's own error from the last failed migration script (the engine only says "external error"). */
  lastScriptError(): unknown;
} {
  const open: SqlDriverAdapter[] = [];
  let scriptError: unknown;
  const keep = (a: SqlDriverAdapter): SqlDriverAdapter => {
    open.push(a);
    const executeScript = async (script: string) => {
      try {
        await a.executeScript(script);
      } catch (error) {
        scriptError = error;
        throw error;
      }
    };
    return new Proxy(a, {
      get(target, key, receiver) {
        if (key === 'executeScript') return executeScript;
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return {
    lastScriptError: () => scriptError,
    factory: {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: async () => keep(await factory.connect()),
      connectToShadowDb: async () => keep(await factory.connectToShadowDb()),
    },
    async disposeAll() {
      // Closing twice (if the engine already did) is harmless; errors here must not hide the result.
      for (const a of open.splice(0)) await a.dispose().catch(() => {});
    },
  };
}
