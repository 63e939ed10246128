import pino from 'pino';
import { expect, it } from 'vitest';
import { ConflictError } from '../../src/core/errors.ts';
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

it('a transaction that lost a write race to another SQLite instance fails with ConflictError', async () => {
  const db = tempSqliteUrl();
  try {
    await migrateDatabase(db.url, { logger });
    const [a, b] = await Promise.all([openStore(db.url, { logger }), openStore(db.url, { logger })]);
    const lead = await a.createLead({});
    let aHasRead!: () => void;
    const aRead = new Promise<void>((r) => {
      aHasRead = r;
    });
    let bCommitted!: Promise<unknown>;
    const first = a.transaction(async (tx) => {
      await tx.getLead(lead.id);
      aHasRead();
      await bCommitted; // b commits after a has read: a's snapshot is stale now
      return tx.updateLead(lead.id, { score: 1 });
    });
    bCommitted = aRead.then(() =>
      b.transaction(async (tx) => {
        await tx.getLead(lead.id);
        return tx.updateLead(lead.id, { score: 2 });
      }),
    );
    await expect(bCommitted).resolves.toMatchObject({ score: 2 });
    await expect(first).rejects.toBeInstanceOf(ConflictError);
    expect((await a.getLead(lead.id))?.score).toBe(2);
    await Promise.all([a.close(), b.close()]);
  } finally {
    db.cleanup();
  }
});
