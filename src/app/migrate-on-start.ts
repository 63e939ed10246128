/**
 * What `leadbot start` does about migrations. A restart usually finds nothing to apply; reading
 * `_prisma_migrations` says so with the plain driver, and only when something is pending (or the
 * SQLite file does not exist yet) is the Prisma schema engine loaded: a ~10 MB wasm module that
 * took ~0.4 s and ~30 MB of RSS on every start, kept for the life of the process.
 */
import { existsSync } from 'node:fs';
import { raceSignal } from '../core/abort.ts';
import type { Logger } from '../core/ports/index.ts';
import { detectProvider, sqliteFilePath } from '../store/database-url.ts';
import { pendingMigrations } from '../store/migration-status.ts';

/**
 * Applies the shipped migrations the database lacks and returns their names (empty when it was
 * up to date). With several instances on PostgreSQL, one that sees migrations pending takes the
 * migration lock (`migrateDatabase`); one that sees none has nothing to wait for.
 * @throws LeadbotError as `migrateDatabase` and `pendingMigrations` do.
 */
export async function migrateIfNeeded(
  databaseUrl: string,
  opts: { logger?: Logger; signal?: AbortSignal } = {},
): Promise<string[]> {
  const missingFile = detectProvider(databaseUrl) === 'sqlite' && !existsSync(sqliteFilePath(databaseUrl));
  if (!missingFile) {
    const pending = await raceSignal(pendingMigrations(databaseUrl), opts.signal);
    if (pending.length === 0) return [];
  }
  const { migrateDatabase } = await import('../store/migrate.ts');
  const { applied } = await migrateDatabase(databaseUrl, opts);
  return applied;
}
