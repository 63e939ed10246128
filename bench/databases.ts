/**
 * Fresh, migrated databases for benchmark scenarios (a temp SQLite file or a new PostgreSQL
 * database, dropped afterwards), and bare Prisma clients opened exactly as the store opens
 * them (same adapter, WAL + synchronous=NORMAL on SQLite, pool of 10 on PostgreSQL).
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { LeadStore } from '../src/core/ports/index.ts';
import { migrateDatabase } from '../src/store/migrate.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Client } from '../src/store/prisma-types.ts';
import { createTestDatabase } from '../test/helpers/postgres.ts';
import { tempSqliteUrl } from '../test/helpers/sqlite.ts';

export type Provider = 'sqlite' | 'postgres';
const logger = pino({ level: 'silent' });

export interface BenchDatabase {
  provider: Provider;
  url: string;
  drop(): Promise<void>;
}

/** A migrated, empty database. */
export async function freshDatabase(provider: Provider): Promise<BenchDatabase> {
  let db: BenchDatabase;
  if (provider === 'sqlite') {
    const t = tempSqliteUrl();
    db = { provider, url: t.url, drop: async () => t.cleanup() };
  } else {
    const t = await createTestDatabase();
    if (!t) throw new Error('PostgreSQL is not reachable on 127.0.0.1:5432');
    db = { provider, url: t.url, drop: () => t.drop() };
  }
  await migrateDatabase(db.url, { logger });
  return db;
}

export const openBenchStore = (url: string): Promise<LeadStore> => openStore(url, { logger });

/** A bare Prisma client on the database, configured like the store's. */
export async function openPrisma(db: BenchDatabase): Promise<Client> {
  if (db.provider === 'sqlite') {
    const [{ sqliteAdapterWithStatementCache }, { PrismaClient }] = await Promise.all([
      import('../src/store/sqlite-statement-cache.ts'),
      import('../src/store/generated/sqlite/client.ts'),
    ]);
    const client = new PrismaClient({
      adapter: sqliteAdapterWithStatementCache({ url: db.url.slice('file:'.length), timeout: 5000 }),
    });
    await client.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await client.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
    return client;
  }
  const [{ PrismaPg }, { PrismaClient }] = await Promise.all([
    import('@prisma/adapter-pg'),
    import('../src/store/generated/postgres/client.ts'),
  ]);
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, max: 10 }) });
  await client.$connect();
  return client as unknown as Client;
}

export const benchId = () => randomBytes(8).toString('hex');
