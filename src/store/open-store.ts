/**
 * Opens the store a `DATABASE_URL` points at: SQLite for `file:` URLs, PostgreSQL for
 * `postgres://`/`postgresql://`. Does not migrate: call `migrateDatabase` first.
 */
import type { LeadStore, Logger } from '../core/ports/index.ts';
import { ensurePostgresReachable, ensureSqliteWritable } from './availability.ts';
import { describePostgresUrl, detectProvider, sqliteFilePath } from './database-url.ts';
import { type DirectTransactions, withDirectTransactions } from './direct-raw.ts';
import { createPrismaStore } from './prisma-store.ts';
import type { Client } from './prisma-types.ts';

export { detectProvider } from './database-url.ts';

/** How long a SQLite writer waits for the lock before failing with SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;
const PG_POOL_SIZE = 10;
/**
 * Settings of every PostgreSQL connection of the store. JIT off: see sql-reader.ts. READ
 * COMMITTED whatever the database's default (the store's conflict handling is built on it, see
 * prisma-transactions.ts), set once per connection instead of a `SET TRANSACTION` round trip at
 * the start of every transaction. A space inside a value is escaped (PostgreSQL's `options`).
 */
export const PG_SESSION_OPTIONS = '-c jit=off -c default_transaction_isolation=read\\ committed';

/**
 * @throws LeadbotError CONFIG_INVALID (unsupported URL), STORE_UNAVAILABLE (cannot open/reach).
 */
export async function openStore(databaseUrl: string, opts: { logger?: Logger } = {}): Promise<LeadStore> {
  const provider = detectProvider(databaseUrl);
  let client: Client;
  let sqlitePath: string | undefined;
  /** The adapter factory, whose transactions run raw statements without Prisma's runtime (direct-raw.ts). */
  let direct: DirectTransactions;
  if (provider === 'sqlite') {
    const path = sqliteFilePath(databaseUrl);
    sqlitePath = path;
    ensureSqliteWritable(path);
    const [{ sqliteAdapterWithStatementCache }, { PrismaClient }] = await Promise.all([
      import('./sqlite-statement-cache.ts'),
      import('./generated/sqlite/client.ts'),
    ]);
    const adapter = withDirectTransactions(
      sqliteAdapterWithStatementCache({ url: path, timeout: SQLITE_BUSY_TIMEOUT_MS }),
    );
    direct = adapter;
    client = new PrismaClient({ adapter });
    // WAL lets readers run beside the writer; NORMAL sync is durable across process crashes
    // (only a power loss may drop the last commits) and ~10x faster than FULL.
    await client.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await client.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
    await client.$queryRawUnsafe(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    await client.$queryRawUnsafe('PRAGMA foreign_keys = ON');
    opts.logger?.info({ provider, path }, 'store opened');
  } else {
    await ensurePostgresReachable(databaseUrl);
    const [{ PrismaPg }, { PrismaClient }] = await Promise.all([
      import('@prisma/adapter-pg'),
      import('./generated/postgres/client.ts'),
    ]);
    // JIT off for every connection (see sql-reader.ts for why reporting needs it; the hot path's
    // statements never reach its cost threshold): no transaction around each reporting read.
    // READ COMMITTED for every connection: no SET TRANSACTION per transaction.
    const adapter = withDirectTransactions(
      new PrismaPg({
        connectionString: databaseUrl,
        max: PG_POOL_SIZE,
        options: PG_SESSION_OPTIONS,
      }),
    );
    direct = adapter;
    client = new PrismaClient({ adapter }) as unknown as Client;
    await client.$connect();
    opts.logger?.info({ provider, database: describePostgresUrl(databaseUrl) }, 'store opened');
  }
  return createPrismaStore(client, provider, { direct, ...(sqlitePath ? { sqlitePath } : {}) });
}
