/**
 * Raw statements handed straight to the driver adapter's transaction (src/store/direct-raw.ts):
 * the same rows, parameters and errors as Prisma's own `$queryRaw`/`$executeRaw`, inside the
 * same transaction, never after it, and outside transactions on the adapter itself — on real
 * SQLite and real PostgreSQL — and the store uses it.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteFilePath } from '../../src/store/database-url.ts';
import {
  directClient,
  directRaw,
  directStatementCount,
  withDirectTransactions,
} from '../../src/store/direct-raw.ts';
import { PrismaClient as PgClient } from '../../src/store/generated/postgres/client.ts';
import { PrismaClient as SqliteClient } from '../../src/store/generated/sqlite/client.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Client, Db, Dialect } from '../../src/store/prisma-types.ts';
import { raw, sql } from '../../src/store/raw-statements.ts';
import { isUniqueViolation } from '../../src/store/repo-rows.ts';
import { sqliteAdapterWithStatementCache } from '../../src/store/sqlite-statement-cache.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

const logger = pino({ level: 'silent' });

interface Opened {
  url: string;
  client: Client;
  direct: ReturnType<typeof withDirectTransactions>;
  cleanup(): Promise<void>;
}

/** A migrated database at `url` behind `client`; `cleanup` disconnects, then `remove`s it. */
function opened(url: string, client: Client, direct: Opened['direct'], remove: () => unknown): Opened {
  return {
    url,
    client,
    direct,
    async cleanup() {
      await client.$disconnect();
      await remove();
    },
  };
}

async function openSqlite(): Promise<Opened> {
  const db = tempSqliteUrl();
  await migrateDatabase(db.url, { logger });
  const direct = withDirectTransactions(sqliteAdapterWithStatementCache({ url: sqliteFilePath(db.url) }));
  return opened(db.url, new SqliteClient({ adapter: direct }), direct, db.cleanup);
}

async function openPostgres(): Promise<Opened | null> {
  const db = await createTestDatabase();
  if (!db) return null;
  await migrateDatabase(db.url, { logger });
  const direct = withDirectTransactions(new PrismaPg({ connectionString: db.url, max: 10 }));
  return opened(db.url, new PgClient({ adapter: direct }) as unknown as Client, direct, db.drop);
}

const T0 = new Date('2026-12-07T06:00:00.123Z');

/** A lead row with a value of every kind the hot path writes (text, integer, boolean, timestamp, null, enum). */
function insertLead(db: Db, dialect: Dialect, id: string) {
  const cast = (t: string) =>
    sql([dialect === 'postgres' ? `::${t}` : ''] as unknown as TemplateStringsArray);
  return db.$executeRaw(
    sql`INSERT INTO "Lead" ("id", "stage", "score", "name", "consent", "consentAt", "email", "createdAt", "updatedAt")
        VALUES (${id}, ${'MQL'}${cast('"Stage"')}, ${42}, ${'Zoë 🚀 "quoted"'}, ${true}, ${T0}${cast('timestamp(3)')},
                ${null}, ${T0}${cast('timestamp(3)')}, ${T0}${cast('timestamp(3)')})`,
  );
}

/** A read with every kind of column the hot path reads back: the lead's, a count, JSON text parsed by the database. */
const readLead = (db: Db, id: string) =>
  db.$queryRaw<Record<string, unknown>[]>(
    sql`SELECT l.*, (SELECT COUNT(*) FROM "Lead") AS "leads", 7 AS "seven" FROM "Lead" l WHERE l."id" = ${id}`,
  );

describe.each([
  ['sqlite', openSqlite],
  ['postgres', openPostgres],
] as const)('direct raw statements on %s', (dialect, open) => {
  let db: Opened | null = null;
  beforeAll(async () => {
    db = await open();
  }, 60_000);
  afterAll(async () => db?.cleanup());

  it('writes and reads rows exactly as Prisma does, with the same parameters', async (ctx) => {
    if (!db) return ctx.skip();
    const { client, direct } = db;
    const [viaPrisma, viaDirect] = await client.$transaction(async (tx) => {
      const fast = await directRaw(tx, dialect, direct);
      await insertLead(tx, dialect, 'by-prisma');
      await insertLead(fast, dialect, 'by-direct');
      return [await readLead(tx, 'by-direct'), await readLead(fast, 'by-prisma')];
    });
    expect(viaDirect).toHaveLength(1);
    const { id: _a, ...prismaRow } = viaPrisma[0]!;
    const { id: _b, ...directRow } = viaDirect[0]!;
    expect(directRow).toEqual(prismaRow);
    expect(directRow.consentAt).toEqual(T0);
    expect(directRow.name).toBe('Zoë 🚀 "quoted"');
    expect(directRow.consent).toBe(true);
    expect(directRow.email).toBeNull();
  });

  it('runs inside the interactive transaction: a rollback undoes it', async (ctx) => {
    if (!db) return ctx.skip();
    const { client, direct } = db;
    await expect(
      client.$transaction(async (tx) => {
        const fast = await directRaw(tx, dialect, direct);
        await insertLead(fast, dialect, 'rolled-back');
        expect(await readLead(tx, 'rolled-back')).toHaveLength(1); // Prisma's own view of the transaction sees it
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await readLead(client, 'rolled-back')).toHaveLength(0);
  });

  it('gives each of several concurrent transactions its own connection', async (ctx) => {
    if (!db) return ctx.skip();
    const { client, direct } = db;
    const session = dialect === 'postgres' ? 'SELECT pg_backend_pid() AS "s"' : 'SELECT 1 AS "s"';
    const pairs = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        client.$transaction(async (tx) => {
          const fast = await directRaw(tx, dialect, direct);
          await insertLead(fast, dialect, `concurrent-${i}`);
          const [own] = await fast.$queryRaw<{ s: unknown }[]>(raw(session));
          const [prisma] = await tx.$queryRawUnsafe<{ s: unknown }[]>(session);
          return [own!.s, prisma!.s, (await readLead(tx, `concurrent-${i}`)).length];
        }),
      ),
    );
    for (const [own, prisma, seen] of pairs) {
      expect(own).toEqual(prisma);
      expect(seen).toBe(1);
    }
  });

  it('reports a driver error as Prisma reports a failed raw statement', async (ctx) => {
    if (!db) return ctx.skip();
    const { client, direct } = db;
    const failure = (useDirect: boolean) =>
      client
        .$transaction(async (tx) => {
          const run = useDirect ? await directRaw(tx, dialect, direct) : tx;
          await insertLead(run, dialect, 'twice');
          await insertLead(run, dialect, 'twice');
        })
        .then(
          () => null,
          (error: unknown) => error as { code?: string; meta?: { driverAdapterError?: { cause?: unknown } } },
        );
    const fromPrisma = await failure(false);
    const fromDirect = await failure(true);
    expect(fromDirect?.code).toBe('P2010');
    expect(fromDirect?.code).toBe(fromPrisma?.code);
    expect(fromDirect?.meta?.driverAdapterError?.cause).toEqual(fromPrisma?.meta?.driverAdapterError?.cause);
    expect(isUniqueViolation(fromDirect)).toBe(true);
  });

  it('refuses a statement once Prisma has ended the transaction', async (ctx) => {
    if (!db) return ctx.skip();
    const { client, direct } = db;
    const kept = await client.$transaction(async (tx) => directRaw(tx, dialect, direct));
    await expect(insertLead(kept, dialect, 'after-commit')).rejects.toThrow(/already closed/);
    // and after Prisma's own timeout rolled it back
    let late: Db | null = null;
    await expect(
      client.$transaction(
        async (tx) => {
          late = await directRaw(tx, dialect, direct);
          await new Promise((r) => setTimeout(r, 300));
        },
        { timeout: 100 },
      ),
    ).rejects.toThrow();
    await expect(insertLead(late!, dialect, 'after-timeout')).rejects.toThrow(/already closed/);
    expect(await readLead(client, 'after-commit')).toHaveLength(0);
    expect(await readLead(client, 'after-timeout')).toHaveLength(0);
  });

  it('outside a transaction, reads and writes rows as Prisma does, on the adapter itself', async (ctx) => {
    if (!db) return ctx.skip();
    const { client, direct } = db;
    const fast = directClient(client, dialect, direct);
    const before = directStatementCount();
    await insertLead(fast, dialect, 'outside-direct');
    await insertLead(client, dialect, 'outside-prisma');
    const [{ id: _a, ...viaDirect }] = (await readLead(fast, 'outside-prisma')) as [Record<string, unknown>];
    const [{ id: _b, ...viaPrisma }] = (await readLead(client, 'outside-direct')) as [
      Record<string, unknown>,
    ];
    expect(viaDirect).toEqual(viaPrisma);
    expect(directStatementCount() - before).toBe(2);
    // Committed at once: another transaction sees it.
    expect(await client.$transaction(async (tx) => readLead(tx, 'outside-direct'))).toHaveLength(1);
    // The rest of the client is Prisma's own.
    expect(await fast.lead.count({ where: { id: 'outside-direct' } })).toBe(1);
    const failed = await insertLead(fast, dialect, 'outside-direct').then(
      () => null,
      (error: unknown) => error,
    );
    expect(isUniqueViolation(failed)).toBe(true);
  });

  it("is what the store's units of work run their statements on", async (ctx) => {
    if (!db) return ctx.skip();
    const store = await openStore(db.url, { logger });
    try {
      const before = directStatementCount();
      const lead = await store.unitOfWork({}, async (tx) => {
        const created = await tx.createLead({ stage: 'cold', score: 0 });
        return tx.updateLead(created.id, { name: 'Ada' });
      });
      expect(directStatementCount()).toBeGreaterThan(before);
      const outside = directStatementCount();
      expect((await store.getLead(lead.id))?.name).toBe('Ada'); // a raw read outside transactions
      expect(directStatementCount()).toBe(outside + 1);
    } finally {
      await store.close();
    }
  });
});
