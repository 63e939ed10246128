/**
 * Where reporting statements run. On PostgreSQL through the Prisma client's `$queryRaw`, which
 * waits on the network without holding the event loop. On SQLite the driver (better-sqlite3)
 * runs a statement synchronously on the calling thread, so a GROUP BY over 100,000 leads would
 * stall every request of the process for its ~50 ms: there the statements go to a worker
 * thread with its own read-only connection (WAL lets it read beside the writer), and the event
 * loop only sees the grouped rows come back.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Sql } from '@prisma/client/runtime/client';
import type { Db, Dialect } from './prisma-types.ts';

export interface SqlReader {
  /**
   * Runs one read-only statement. Rows as the driver gives them: counts may be bigint
   * (PostgreSQL) and SQLite dates are text, so callers read numbers with `Number()` and select
   * dates only to order by them.
   */
  all<T>(query: Sql): Promise<T[]>;
  close(): Promise<void>;
}

/** The worker: one read-only connection, a statement cache, one message per statement. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true, timeout: 5000 });
// Reporting scans whole indexes: keep them in this connection's cache and map the file instead
// of copying each page through a read call.
db.pragma('cache_size = -65536');
db.pragma('mmap_size = 268435456');
const statements = new Map();
parentPort.on('message', ({ id, sql, values }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= 200) statements.clear();
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    parentPort.postMessage({ id, rows: statement.all(...values) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

/** A parameter as Prisma's SQLite adapter writes it: dates as ISO text with an offset, booleans as 0/1. */
function sqliteValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace('Z', '+00:00');
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

function sqliteWorkerReader(path: string): SqlReader {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker | null = null;
  let next = 0;
  const pending = new Map<number, { resolve(rows: unknown[]): void; reject(e: Error): void }>();
  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    worker = null;
  };
  const start = (): Worker => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path } });
    w.on('message', (m: { id: number; rows?: unknown[]; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (pending.size === 0) w.unref(); // an idle reader never keeps the process alive
      if (m.error !== undefined) p?.reject(new Error(`reporting query failed: ${m.error}`));
      else p?.resolve(m.rows ?? []);
    });
    w.on('error', (e) => failAll(e));
    w.on('exit', (code) => failAll(new Error(`reporting reader stopped (exit ${code})`)));
    return w;
  };
  return {
    all<T>(query: Sql) {
      worker ??= start();
      const w = worker;
      const id = next++;
      w.ref();
      return new Promise<T[]>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
        w.postMessage({ id, sql: query.sql, values: query.values.map(sqliteValue) });
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}

/**
 * The reader for a store: a worker on SQLite (given the database file), the client otherwise.
 * On PostgreSQL the store's connections run with JIT off (`-c jit=off`, open-store.ts): a
 * reporting scan crosses the planner's JIT cost threshold, and compiling it took 25-50 ms of each
 * 60-150 ms statement at 100,000 leads. It used to be `SET LOCAL` in a transaction around each
 * statement: four round trips instead of one, and Prisma ends such a transaction after 5 s, so
 * the scoring report at 1,000,000 leads failed ("expired transaction").
 */
export function createSqlReader(db: Db, dialect: Dialect, sqlitePath?: string): SqlReader {
  if (dialect === 'sqlite' && sqlitePath) return sqliteWorkerReader(sqlitePath);
  return { all: <T>(query: Sql) => db.$queryRaw<T[]>(query), close: async () => undefined };
}
