import pino from 'pino';
import { expect, it } from 'vitest';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { leadStoreContract, twoInstancesNeverClaimTheSameRow } from './lead-store.contract.ts';

const logger = pino({ level: 'silent' });

leadStoreContract('Prisma on SQLite', async () => {
  const db = tempSqliteUrl();
  await migrateDatabase(db.url, { logger });
  const store = await openStore(db.url, { logger });
  return {
    store,
    async cleanup() {
      await store.close();
      db.cleanup();
    },
  };
});

it('two SQLite store instances on one file never claim the same outbox row', async () => {
  const db = tempSqliteUrl();
  try {
    await migrateDatabase(db.url, { logger });
    const [a, b] = await Promise.all([openStore(db.url, { logger }), openStore(db.url, { logger })]);
    await twoInstancesNeverClaimTheSameRow(a, b);
    expect((await a.outbox.list({ status: 'sending' })).length).toBe(60);
    await Promise.all([a.close(), b.close()]);
  } finally {
    db.cleanup();
  }
});
