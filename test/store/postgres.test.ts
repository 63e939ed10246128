import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore, PG_SESSION_OPTIONS } from '../../src/store/open-store.ts';
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
    // must not depend on the server being configured for UTC. And a database whose transactions
    // default to SERIALIZABLE: the store runs READ COMMITTED whatever the default.
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`ALTER DATABASE "${db.name}" SET timezone TO 'Pacific/Auckland'`);
    await admin.query(`ALTER DATABASE "${db.name}" SET default_transaction_isolation TO 'serializable'`);
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

  it("the store's connections run READ COMMITTED and without JIT whatever the database's defaults", async () => {
    if (!raceDb) return;
    const admin = new pg.Client({ connectionString: raceDb.url });
    await admin.connect();
    await admin.query(`ALTER DATABASE "${raceDb.name}" SET default_transaction_isolation TO 'serializable'`);
    await admin.end();
    const plain = new pg.Client({ connectionString: raceDb.url });
    const store = new pg.Client({ connectionString: raceDb.url, options: PG_SESSION_OPTIONS });
    await Promise.all([plain.connect(), store.connect()]);
    try {
      const isolation = async (c: pg.Client) => {
        await c.query('BEGIN');
        const { rows } = await c.query<{ transaction_isolation: string }>('SHOW transaction_isolation');
        await c.query('COMMIT');
        return rows[0]?.transaction_isolation;
      };
      expect(await isolation(plain)).toBe('serializable');
      expect(await isolation(store)).toBe('read committed');
      expect((await store.query<{ jit: string }>('SHOW jit')).rows[0]?.jit).toBe('off');
    } finally {
      await Promise.all([plain.end(), store.end()]);
      const reset = new pg.Client({ connectionString: raceDb.url });
      await reset.connect();
      await reset.query(`ALTER DATABASE "${raceDb.name}" RESET default_transaction_isolation`);
      await reset.end();
    }
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
