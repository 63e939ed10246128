/**
 * Opens the schedule store and the verdict log on the database a `DATABASE_URL` points at
 * (their own Prisma client beside the lead store's; SQLite's WAL and busy timeout let the two
 * connections share the file). Does not migrate: `migrateDatabase` creates their tables.
 */
import type { LeadStore, Logger, ScheduleStore, VerdictLog } from '../core/ports.ts';
import { detectProvider, sqliteFilePath } from './database-url.ts';
import { openStore } from './open-store.ts';
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

/**
 * The lead store with `schedules` and `verdicts` attached (see {@link LeadStore}); closing it
 * closes the follow-up stores too.
 */
export function attachFollowUps(store: LeadStore, extra: FollowUpStores): LeadStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'schedules') return extra.schedules;
      if (prop === 'verdicts') return extra.verdicts;
      if (prop === 'close')
        return async () => {
          await extra.close();
          await target.close();
        };
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** {@link openStore} plus the follow-up stores on the same database. */
export async function openStoreWithFollowUps(
  databaseUrl: string,
  opts: { logger?: Logger } = {},
): Promise<LeadStore> {
  const store = await openStore(databaseUrl, opts);
  try {
    return attachFollowUps(store, await openFollowUpStores(databaseUrl));
  } catch (err) {
    await store.close();
    throw err;
  }
}
