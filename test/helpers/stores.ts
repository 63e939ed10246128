/**
 * Every LeadStore implementation, migrated and ready, for integration tests that must pass on
 * all of them. `open()` returns null when a backend is not available here (PostgreSQL server
 * down outside CI); callers skip then.
 */
import pino from 'pino';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestDatabase } from './postgres.ts';
import { tempSqliteUrl } from './sqlite.ts';

export type StoreBackendName = 'memory' | 'sqlite' | 'postgres';

export interface OpenedStore {
  store: LeadStore;
  /** Database URL (absent for memory): open a second store on it to simulate another instance. */
  url?: string;
  /** Closes the store and removes the database. */
  cleanup(): Promise<void>;
}

export interface StoreBackend {
  name: StoreBackendName;
  open(): Promise<OpenedStore | null>;
}

const logger = pino({ level: 'silent' });

export function storeBackends(): StoreBackend[] {
  return [
    {
      name: 'memory',
      async open() {
        const store = createMemoryStore();
        return { store, cleanup: () => store.close() };
      },
    },
    {
      name: 'sqlite',
      async open() {
        const db = tempSqliteUrl();
        await migrateDatabase(db.url, { logger });
        const store = await openStore(db.url, { logger });
        return {
          store,
          url: db.url,
          async cleanup() {
            await store.close();
            db.cleanup();
          },
        };
      },
    },
    {
      name: 'postgres',
      async open() {
        const db = await createTestDatabase();
        if (!db) return null;
        await migrateDatabase(db.url, { logger });
        const store = await openStore(db.url, { logger });
        return {
          store,
          url: db.url,
          async cleanup() {
            await store.close();
            await db.drop();
          },
        };
      },
    },
  ];
}

/** A conversation of the default flow for `leadId`, as the store contracts create it. */
export const conversationInput = (leadId: string) => ({
  leadId,
  flowId: 'default',
  flowVersion: 'v1',
  currentStep: 'a',
  platform: 'slack',
  workspaceId: 'T1',
  channelId: 'D1',
  variables: { n: 0 },
});
