/**
 * One migrator at a time on a PostgreSQL database. Instances that start together all run
 * `leadbot start`, which migrates; without a lock two of them read the same history and both
 * apply. The lock is a session-level advisory lock on a connection of its own, held around
 * the whole apply (reading the history, applying, repairing a failed row) and released by
 * unlocking or, if the process dies, by PostgreSQL closing the session.
 *
 * The wasm schema engine also takes Prisma's lock (`pg_advisory_lock(72707369)`), but on a
 * pooled connection that may be closed while idle during a long migration, and not around
 * our own history reads and repairs; ours uses another key so the two never wait on each other.
 */
import pg from 'pg';
import { raceSignal } from '../core/abort.ts';
import type { Logger } from '../core/ports/index.ts';
import { describePostgresUrl } from './database-url.ts';

/** The bytes of 'leadmigr' as one bigint: a key no other application is likely to pick. */
export const MIGRATION_LOCK_KEY = '7810756212704241522';

export interface MigrationLock {
  release(): Promise<void>;
}

/**
 * Waits for the lock (logging once when another instance holds it) and returns it held.
 * `signal` ends the wait: the connection is closed, which also withdraws the request.
 */
export async function acquireMigrationLock(
  databaseUrl: string,
  opts: { logger?: Logger; signal?: AbortSignal } = {},
): Promise<MigrationLock> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => {}); // a dropped connection surfaces as a failed query below
  try {
    await raceSignal(client.connect(), opts.signal);
    const tried = await client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(${MIGRATION_LOCK_KEY}) AS locked`,
    );
    if (!tried.rows[0]?.locked) {
      opts.logger?.info(
        { database: describePostgresUrl(databaseUrl) },
        'another instance is migrating the database; waiting for it to finish',
      );
      await raceSignal(client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`), opts.signal);
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return {
    async release() {
      try {
        await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}
