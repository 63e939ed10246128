/**
 * Whether a database holds every migration this version ships, found out without changing
 * it. Commands that only read, and `start --no-migrate`, check this first: an unmigrated
 * database is one line saying to run `leadbot migrate`, not a Prisma stack on the first query
 * (nor a server that reports ready while every request fails), and a missing SQLite file is
 * reported as missing rather than created empty.
 */
import { LeadbotError } from '../core/errors.ts';
import { ensurePostgresReachable, ensureSqliteExists } from './availability.ts';
import { describePostgresUrl, detectProvider, sqliteFilePath } from './database-url.ts';
import { openMigrationHistory } from './migration-history.ts';
import { defaultMigrationsDir, listMigrationNames } from './migrations-dir.ts';

/**
 * Names of the shipped migrations the database has not applied (empty when up to date).
 * @throws LeadbotError STORE_UNAVAILABLE (missing SQLite file, unreachable server, not a database).
 */
export async function pendingMigrations(
  databaseUrl: string,
  opts: { migrationsDir?: string } = {},
): Promise<string[]> {
  const provider = detectProvider(databaseUrl);
  const target = provider === 'sqlite' ? sqliteFilePath(databaseUrl) : databaseUrl;
  if (provider === 'sqlite') ensureSqliteExists(target);
  else await ensurePostgresReachable(databaseUrl);
  const shipped = listMigrationNames(opts.migrationsDir ?? defaultMigrationsDir(provider));
  let applied: Set<string>;
  try {
    const history = await openMigrationHistory(provider, target, { mustExist: true });
    try {
      const rows = await history.rows();
      applied = new Set(
        rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => r.migration_name),
      );
    } finally {
      await history.close();
    }
  } catch (error) {
    const where = provider === 'sqlite' ? target : describePostgresUrl(databaseUrl);
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new LeadbotError(
      'STORE_UNAVAILABLE',
      `cannot read the migration history of ${where} (${code}); check that DATABASE_URL points at a leadbot database`,
      { cause: error },
    );
  }
  return shipped.filter((name) => !applied.has(name));
}

/**
 * Refuses a database that lacks migrations.
 * @throws LeadbotError NOT_MIGRATED with the fix, or STORE_UNAVAILABLE (see {@link pendingMigrations}).
 */
export async function ensureMigrated(
  databaseUrl: string,
  opts: { migrationsDir?: string } = {},
): Promise<void> {
  const pending = await pendingMigrations(databaseUrl, opts);
  if (pending.length === 0) return;
  throw new LeadbotError(
    'NOT_MIGRATED',
    `the database is not migrated (${pending.length} migration${pending.length === 1 ? '' : 's'} pending, from ${pending[0]}); run leadbot migrate`,
  );
}
