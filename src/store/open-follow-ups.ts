/**
 * Opens the schedule store and the verdict log on the database a `DATABASE_URL` points at
 * (their own Prisma client beside the lead store's; SQLite's WAL and busy timeout let the two
 * connections share the file). Does not migrate: `migrateDatabase` creates their tables.
 */
import type { ScheduleStore, VerdictLog } from '../core/ports.ts';
import { detectProvider, sqliteFilePath } from './database-url.ts';
import { createPrismaScheduleStore, createPrismaVerdictLog } from './prisma-schedules.ts';
import type { Client } from './prisma-types.ts';

export interface FollowUpStores {
  schedules: ScheduleStore;
  verdicts: VerdictLog;
  close(): Promise<void>;
}

export async function openFollowUpStores(databaseUrl: string): Promise<FollowUpStores> {
  const provider = detectProvider(databaseUrl);
  let client: Client;
  if (provider === 'sqlite') {
    const [{ PrismaBetterSqlite3 }, { PrismaClient }] = await Promise.all([
      import('@prisma/adapter-better-sqlite3'),
      import('./generated/sqlite/client.ts'),
    ]);
    client = new PrismaClient({
      adapter: new PrismaBetterSqlite3({ url: sqliteFilePath(databaseUrl), timeout: 5000 }),
    });
    await client.$queryRawUnsafe('PRAGMA busy_timeout = 5000');
    await client.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  } else {
    const [{ PrismaPg }, { PrismaClient }] = await Promise.all([
      import('@prisma/adapter-pg'),
      import('./generated/postgres/client.ts'),
    ]);
    client = new PrismaClient({
      adapter: new PrismaPg({ connectionString: databaseUrl, max: 3 }),
    }) as unknown as Client;
    await client.$connect();
  }
  return {
    schedules: createPrismaScheduleStore(client, provider),
    verdicts: createPrismaVerdictLog(client),
    close: () => client.$disconnect(),
  };
}
