/**
 * The PostgreSQL driver adapter as the wasm schema engine needs it. Two fixes over `PrismaPg`:
 *
 * 1. The engine describes a schema by reading catalog columns of PostgreSQL's internal `"char"`
 *    type (oid 18, e.g. `pg_class.relkind`), which the adapter cannot map ("Column type 'char'
 *    could not be deserialized"). pg hands those values over as one-letter strings anyway, so
 *    the field is relabelled as `text` (oid 25) before the adapter sees it.
 * 2. Shadow databases are cleaned up reliably (see below).
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

/** Adapter factory for the schema engine on PostgreSQL, connected to the server of `url`. */
export function pgFactoryWithShadow(url: string): SqlMigrationAwareDriverAdapterFactory {
  const config = poolConfigFromUrl(url);
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => new PrismaPg(enginePool(config), { disposeExternalPool: true }).connect(),
    async connectToShadowDb(): Promise<SqlDriverAdapter> {
      const name = `leadbot_shadow_${randomBytes(6).toString('hex')}`;
      await adminQuery(config, `CREATE DATABASE "${name}"`);
      const adapter = await new PrismaPg(enginePool({ ...config, database: name }), {
        disposeExternalPool: true,
      }).connect();
      const dispose = async () => {
        await adapter.dispose();
        await adminQuery(config, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      };
      return new Proxy(adapter, {
        get(target, key, receiver) {
          if (key === 'dispose') return dispose;
          const value = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
}
