import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, it } from 'vitest';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { leadStoreContract, twoInstancesNeverClaimTheSameRow } from './lead-store.contract.ts';

const logger = pino({ level: 'silent' });
const db = await createTestDatabase();
const raceDb = db ? await createTestDatabase() : null;
if (db) console.log(`PostgreSQL contract suite: running against ${db.name}`);

describe.skipIf(!db || !raceDb)('PostgreSQL', () => {
  afterAll(async () => raceDb?.drop());

  leadStoreContract('Prisma on PostgreSQL', async () => {
    if (!db) throw new Error('unreachable');
    // A session time zone far from UTC: every date round trip and the outbox's "due" comparison
    // must not depend on the server being configured for UTC.
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`ALTER DATABASE "${db.name}" SET timezone TO 'Pacific/Auckland'`);
    await admin.end();
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

  it('two PostgreSQL store instances never claim the same outbox row', async () => {
    if (!raceDb) return;
    await migrateDatabase(raceDb.url, { logger });
    const [a, b] = await Promise.all([openStore(raceDb.url, { logger }), openStore(raceDb.url, { logger })]);
    try {
      await twoInstancesNeverClaimTheSameRow(a, b);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
