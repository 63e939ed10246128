/**
 * The PostgreSQL driver adapter as the wasm schema engine needs it. Two fixes over `PrismaPg`:
 *
 * 1. The engine describes a schema by reading catalog columns of PostgreSQL's internal `"char"`
 *    type (oid 18, e.g. `pg_class.relkind`), which the adapter cannot map ("Column type 'char'
 *    could not be deserialized"). pg hands those values over as one-letter strings anyway, so
 *    the field is relabelled as `text` (oid 25) before the adapter sees it.
 * 2. `executeScript` (how the engine applies a migration) splits the script on every `;` and
 *    sends the pieces to whichever pool connection is free, so a failing migration is left
 *    half-applied (and a `;` inside a string literal breaks it). Here the script is sent whole
 *    on one connection inside BEGIN/COMMIT: a failing migration changes nothing.
 * 3. Shadow databases are cleaned up reliably (see below).
 *
 * The schema engine replays migrations into a "shadow" database to learn what they produce.
 * `PrismaPg.connectToShadowDb` drops its shadow database before closing its own pool, which
 * PostgreSQL refuses ("being accessed by other users"), leaving the database behind. Here the
 * pool is closed first and the drop uses `WITH (FORCE)`.
 */
import { randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';

/** Splits a URL into pool fields (a `connectionString` would override a changed `database`). */
export function poolConfigFromUrl(url: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
    max: 2,
  };
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type Queryable = { query: (...args: never[]) => Promise<unknown> };

function relabelCharColumns(target: Queryable): void {
  const original = target.query.bind(target) as (...args: unknown[]) => Promise<unknown>;
  (target as { query: unknown }).query = async (...args: unknown[]) => {
    const result = await original(...args);
    for (const r of Array.isArray(result) ? result : [result]) {
      for (const field of (r as { fields?: { dataTypeID: number }[] } | undefined)?.fields ?? []) {
        if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
      }
    }
    return result;
  };
}

/** A pool whose clients (pooled and transactional) report `"char"` columns as text. */
function enginePool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  // An idle connection dropped by the server is an 'error' event; unheard, it kills the
  // process. The engine's next query on it fails and reports the problem instead.
  pool.on('error', () => {});
  relabelCharColumns(pool as unknown as Queryable);
  pool.on('connect', (client) => relabelCharColumns(client as unknown as Queryable));
  return pool;
}

async function adminQuery(config: pg.PoolConfig, sql: string): Promise<void> {
  const client = new pg.Client({ ...config, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function runScriptAtomically(pool: pg.Pool, script: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(script);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The adapter with `executeScript` replaced (see the module comment). */
function withAtomicScripts(
  adapter: SqlDriverAdapter,
  pool: pg.Pool,
  onDispose?: () => Promise<void>,
): SqlDriverAdapter {
  const executeScript = (script: string) => runScriptAtomically(pool, script);
  const dispose = async () => {
    await adapter.dispose();
    await onDispose?.();
  };
  return new Proxy(adapter, {
    get(target, key, receiver) {
      if (key === 'executeScript') return executeScript;
      if (key === 'dispose') return dispose;
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Adapter factory for the schema engine on PostgreSQL, connected to the server of `url`. */
export function pgFactoryWithShadow(url: string): SqlMigrationAwareDriverAdapterFactory {
  const config = poolConfigFromUrl(url);
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    // The main connection keeps the URL as given (ssl and other parameters included).
    async connect() {
      const pool = enginePool({ connectionString: url, max: 2 });
      return withAtomicScripts(await new PrismaPg(pool, { disposeExternalPool: true }).connect(), pool);
    },
    async connectToShadowDb(): Promise<SqlDriverAdapter> {
      const name = `leadbot_shadow_${randomBytes(6).toString('hex')}`;
      await adminQuery(config, `CREATE DATABASE "${name}"`);
      const pool = enginePool({ ...config, database: name });
      const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
      return withAtomicScripts(adapter, pool, () =>
        adminQuery(config, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}
