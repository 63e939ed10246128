import pino from 'pino';
import { describe } from 'vitest';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { leadStoreContract } from './lead-store.contract.ts';

const db = await createTestDatabase();
if (db) console.log(`PostgreSQL contract suite: running against ${db.name}`);

describe.skipIf(!db)('PostgreSQL', () => {
  leadStoreContract('Prisma on PostgreSQL', async () => {
    if (!db) throw new Error('unreachable');
    const logger = pino({ level: 'silent' });
    await migrateDatabase(db.url, { logger });
    const store = await openStore(db.url, { logger });
    return {
      store,
      async cleanup() {
        await store.close();
        await db.drop();
      },
    };
  });
});
