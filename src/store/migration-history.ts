/**
 * Direct reads and repairs of `_prisma_migrations`, the table the schema engine (and the
 * Prisma CLI) keeps. Plain driver calls: this runs before any Prisma client exists.
 */
import Database from 'better-sqlite3';
import type { Provider } from './migrations-dir.ts';

export interface MigrationRow {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
  logs: string | null;
}

/** Small handle over the migrations table of one database. */
export interface MigrationHistory {
  rows(): Promise<MigrationRow[]>;
  /** Deletes rows by id (the record of a migration whose transaction was rolled back). */
  deleteRows(ids: string[]): Promise<void>;
  close(): Promise<void>;
}

const SELECT =
  'SELECT id, migration_name, checksum, finished_at, rolled_back_at, logs FROM "_prisma_migrations"';

function isMissingTable(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === '42P01' || /no such table/.test(e.message ?? '');
}

/**
 * Opens the history of the database at `target` (SQLite file path or PostgreSQL URL).
 * `mustExist`: a missing SQLite file is an error instead of a new empty database.
 */
export async function openMigrationHistory(
  provider: Provider,
  target: string,
  opts: { mustExist?: boolean } = {},
): Promise<MigrationHistory> {
  if (provider === 'sqlite') {
    const db = new Database(target, { fileMustExist: opts.mustExist === true });
    return {
      async rows() {
        try {
          return db.prepare(SELECT).all() as MigrationRow[];
        } catch (error) {
          if (isMissingTable(error)) return [];
          throw error;
        }
      },
      async deleteRows(ids) {
        const del = db.prepare('DELETE FROM "_prisma_migrations" WHERE id = ?');
        for (const id of ids) del.run(id);
      },
      async close() {
        db.close();
      },
    };
  }
  // Loaded here, not at the top: a SQLite process never pays for the PostgreSQL driver.
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: target, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  return {
    async rows() {
      try {
        return (await client.query(SELECT)).rows as MigrationRow[];
      } catch (error) {
        if (isMissingTable(error)) return [];
        throw error;
      }
    },
    async deleteRows(ids) {
      if (ids.length > 0) await client.query('DELETE FROM "_prisma_migrations" WHERE id = ANY($1)', [ids]);
    },
    async close() {
      await client.end();
    },
  };
}
