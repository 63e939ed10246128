/**
 * Throwaway PostgreSQL databases for tests.
 *
 * Every test file that needs PostgreSQL gets its own freshly created database and drops it
 * afterwards: CI runs on the same machine as development, so nothing may rely on leftovers.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const HOST = '127.0.0.1';
const PORT = 5432;
/** Users tried in order; the machines run trust auth, so no password is needed. */
const USERS = ['postgres', 'root'] as const;

/** A database created for one test file. */
export interface TestDatabase {
  /** `postgresql://` URL of the fresh database. */
  url: string;
  /** Name of the database (for log lines). */
  name: string;
  /** Terminates open connections and drops the database. Safe to call twice. */
  drop(): Promise<void>;
}

async function connectAdmin(): Promise<{ client: pg.Client; user: string }> {
  let lastError: unknown;
  for (const user of USERS) {
    const client = new pg.Client({
      host: HOST,
      port: PORT,
      user,
      database: 'postgres',
      connectionTimeoutMillis: 3000,
    });
    try {
      await client.connect();
      return { client, user };
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
    }
  }
  throw lastError;
}

/**
 * Creates a fresh, uniquely named database on 127.0.0.1:5432.
 *
 * Returns null (after printing one line with the reason) when no server answers, so callers can
 * skip; when `CI=true` the failure is thrown instead, because a CI run must not silently skip.
 */
export async function createTestDatabase(): Promise<TestDatabase | null> {
  let admin: { client: pg.Client; user: string };
  try {
    admin = await connectAdmin();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.CI === 'true') {
      throw new Error(`PostgreSQL at ${HOST}:${PORT} is required in CI: ${reason}`);
    }
    console.warn(`PostgreSQL tests skipped: no server at ${HOST}:${PORT} (${reason})`);
    return null;
  }
  const name = `leadbot_t_${randomBytes(6).toString('hex')}`;
  try {
    await admin.client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.client.end();
  }
  const user = admin.user;
  let dropped = false;
  return {
    name,
    url: `postgresql://${user}@${HOST}:${PORT}/${name}`,
    async drop() {
      if (dropped) return;
      dropped = true;
      const { client } = await connectAdmin();
      try {
        // WITH (FORCE) terminates leftover connections (pools not closed by a failing test).
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
