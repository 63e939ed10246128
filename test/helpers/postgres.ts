/**
 * Fresh PostgreSQL databases for tests: each caller gets its own uniquely named database
 * on 127.0.0.1:5432 and drops it afterwards, so runs never depend on leftovers.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const HOST = process.env.TEST_PG_HOST ?? '127.0.0.1';
const PORT = Number(process.env.TEST_PG_PORT ?? 5432);
const USERS = process.env.TEST_PG_USER ? [process.env.TEST_PG_USER] : ['postgres', 'root'];

async function adminClient(): Promise<{ client: pg.Client; user: string }> {
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
    } catch (err) {
      lastError = err;
      await client.end().catch(() => undefined);
    }
  }
  throw lastError;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh database. Returns null (after printing why) when no server answers,
 * except under CI (`CI=true`), where PostgreSQL must run and its absence is an error.
 */
export async function createTestDatabase(): Promise<TestDatabase | null> {
  let admin: { client: pg.Client; user: string };
  try {
    admin = await adminClient();
  } catch (err) {
    const reason = `PostgreSQL on ${HOST}:${PORT} did not answer (${(err as Error).message})`;
    if (process.env.CI === 'true') throw new Error(`${reason}; CI requires it`);
    console.warn(`skipping PostgreSQL tests: ${reason}`);
    return null;
  }
  const name = `leadbot_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await admin.client.query(`CREATE DATABASE "${name}"`);
  await admin.client.end();
  return {
    name,
    url: `postgresql://${admin.user}@${HOST}:${PORT}/${name}`,
    async drop() {
      const { client } = await adminClient();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
