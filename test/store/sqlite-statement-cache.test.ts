/**
 * The SQLite driver adapter with a statement cache: a statement is compiled once and run with
 * new parameters each time, through Prisma (results, errors, transactions unchanged), and the
 * cache stays bounded.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../src/store/generated/sqlite/client.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { cacheStatements, sqliteAdapterWithStatementCache } from '../../src/store/sqlite-statement-cache.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The call shape the stock adapter uses: prepare(sql).bind(args).run() / .raw().all(). */
type AdapterPrepare = (sql: string) => {
  reader: boolean;
  bind(args: unknown[]): { run(): { changes: number }; raw(): { all(): unknown[] } };
};

describe('cacheStatements on a better-sqlite3 connection', () => {
  it('compiles a statement once and runs it with new parameters every time', () => {
    const db = new Database(':memory:');
    cleanups.push(() => {
      db.close();
    });
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const compiled = cacheStatements(db);
    const prepare = db.prepare as unknown as AdapterPrepare;
    for (let i = 1; i <= 50; i++)
      prepare('INSERT INTO t (id, v) VALUES (?, ?)')
        .bind([i, `v${i}`])
        .run();
    const read = (id: number) => prepare('SELECT v FROM t WHERE id = ?').bind([id]).raw().all();
    expect(read(7)).toEqual([['v7']]);
    expect(read(42)).toEqual([['v42']]);
    expect(read(99)).toEqual([]);
    expect(compiled()).toBe(2);
  });

  it('keeps at most `size` statements, dropping the least recently used', () => {
    const db = new Database(':memory:');
    cleanups.push(() => {
      db.close();
    });
    const compiled = cacheStatements(db, 2);
    const prepare = db.prepare as unknown as AdapterPrepare;
    const q = (n: number) => prepare(`SELECT ${n}`).bind([]).raw().all();
    q(1);
    q(2);
    q(1); // 1 is now the most recent
    q(3); // evicts 2
    expect(compiled()).toBe(3);
    q(1);
    expect(compiled()).toBe(3);
    q(2);
    expect(compiled()).toBe(4);
    expect(q(2)).toEqual([[2]]);
  });
});

describe('Prisma over the caching adapter', () => {
  async function client() {
    const t = tempSqliteUrl();
    await migrateDatabase(t.url);
    const adapter = sqliteAdapterWithStatementCache({ url: t.url.slice('file:'.length) });
    const prisma = new PrismaClient({ adapter });
    cleanups.push(async () => {
      await prisma.$disconnect();
      t.cleanup();
    });
    return { prisma, adapter };
  }

  it('reads and writes as the stock adapter does, reusing compiled statements', async () => {
    const { prisma, adapter } = await client();
    for (let i = 0; i < 30; i++)
      await prisma.processedEvent.create({ data: { platform: 'telegram', eventId: `e${i}` } });
    const afterWrites = adapter.compiledStatements();
    for (let i = 0; i < 30; i++)
      await prisma.processedEvent.create({ data: { platform: 'telegram', eventId: `f${i}` } });
    expect(adapter.compiledStatements()).toBe(afterWrites);
    expect(await prisma.processedEvent.count()).toBe(60);
    const one = await prisma.processedEvent.findUnique({
      where: { platform_eventId: { platform: 'telegram', eventId: 'f7' } },
    });
    expect(one?.eventId).toBe('f7');
    const big = await prisma.$queryRaw<{ n: bigint }[]>`SELECT 9007199254740993 AS n`;
    expect(big[0]?.n).toBe(9007199254740993n);
  });

  it('still maps driver errors (a unique violation is P2002) and rolls transactions back', async () => {
    const { prisma } = await client();
    await prisma.processedEvent.create({ data: { platform: 'slack', eventId: 'x' } });
    await expect(
      prisma.processedEvent.create({ data: { platform: 'slack', eventId: 'x' } }),
    ).rejects.toMatchObject({ code: 'P2002' });
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.processedEvent.create({ data: { platform: 'slack', eventId: 'y' } });
        await tx.processedEvent.create({ data: { platform: 'slack', eventId: 'x' } });
      }),
    ).rejects.toMatchObject({ code: 'P2002' });
    expect(await prisma.processedEvent.count()).toBe(1);
  });
});
