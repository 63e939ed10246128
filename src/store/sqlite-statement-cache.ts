/**
 * Prisma's better-sqlite3 driver adapter, with prepared statements kept and reused.
 *
 * The stock adapter runs every query as `client.prepare(sql).bind(args)` and then `run()` or
 * `raw().all()`: it compiles the SQL anew each time (10–12 % of the CPU of a message on the
 * hot path), although Prisma sends the same few dozen statements over and over. better-sqlite3
 * can run one prepared statement with new parameters every time (`stmt.run(params)`), but
 * `bind()` fixes a statement's parameters for good, so the adapter's own calls cannot simply be
 * handed a cached statement. This factory builds the stock adapter and gives its connection a
 * `prepare` that returns a cached statement behind a view with the adapter's call shape, whose
 * `bind(args)` only remembers the arguments for that one execution.
 *
 * Everything else (type mapping, error translation, transactions, the migrator) stays the
 * adapter's: queries still go through Prisma and its driver adapter.
 */
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type Database from 'better-sqlite3';

/** Distinct SQL texts kept (least recently used dropped first); multi-row inserts vary by row count. */
export const STATEMENT_CACHE_SIZE = 256;

type Statement = Database.Statement<unknown[], unknown>;

/** The part of a statement the stock adapter uses (prepare → bind → run | reader/columns/raw().all()). */
interface AdapterStatement {
  readonly reader: boolean;
  columns(): Database.ColumnDefinition[];
  run(...params: unknown[]): Database.RunResult;
  bind(args: unknown[]): BoundStatement;
}

interface BoundStatement {
  readonly reader: boolean;
  columns(): Database.ColumnDefinition[];
  run(): Database.RunResult;
  raw(): { all(): unknown[] };
}

/** One execution of a cached statement with `args`; parameters are passed per call, never bound. */
function bound(stmt: Statement, args: unknown[]): BoundStatement {
  return {
    reader: stmt.reader,
    columns: () => stmt.columns(),
    run: () => stmt.run(args),
    raw: () => ({ all: () => stmt.raw(true).all(args) as unknown[] }),
  };
}

/**
 * Gives `db` a `prepare` that reuses compiled statements (an LRU of `size` SQL texts).
 * Returns how many statements were compiled, for tests and the bench.
 */
export function cacheStatements(db: Database.Database, size = STATEMENT_CACHE_SIZE): () => number {
  const compile = db.prepare.bind(db) as (sql: string) => Statement;
  const cache = new Map<string, Statement>();
  let compiled = 0;
  const prepare = (sql: string): AdapterStatement => {
    let stmt = cache.get(sql);
    if (stmt) {
      cache.delete(sql); // re-inserted below: most recently used last
    } else {
      stmt = compile(sql);
      compiled += 1;
      if (cache.size >= size) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, stmt);
    const s = stmt;
    return {
      reader: s.reader,
      columns: () => s.columns(),
      run: (...params) => s.run(...params),
      bind: (args) => bound(s, args),
    };
  };
  (db as unknown as { prepare: typeof prepare }).prepare = prepare;
  return () => compiled;
}

/** The better-sqlite3 connection inside the stock adapter (a public field of its queryable). */
function connectionOf(adapter: SqlDriverAdapter): Database.Database {
  const client = (adapter as unknown as { client?: Database.Database }).client;
  if (!client || typeof client.prepare !== 'function')
    throw new Error('the better-sqlite3 driver adapter no longer exposes its connection as `client`');
  return client;
}

export interface CachingSqliteAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  /** Statements compiled so far by the connections of this factory (cache misses). */
  compiledStatements(): number;
}

/** A driver adapter factory like `new PrismaBetterSqlite3(config)`, whose connections reuse statements. */
export function sqliteAdapterWithStatementCache(
  config: ConstructorParameters<typeof PrismaBetterSqlite3>[0],
  size = STATEMENT_CACHE_SIZE,
): CachingSqliteAdapterFactory {
  const stock = new PrismaBetterSqlite3(config);
  const counters: (() => number)[] = [];
  return {
    provider: stock.provider,
    adapterName: stock.adapterName,
    compiledStatements: () => counters.reduce((n, c) => n + c(), 0),
    async connect() {
      const adapter = await stock.connect();
      counters.push(cacheStatements(connectionOf(adapter), size));
      return adapter;
    },
    connectToShadowDb: () => stock.connectToShadowDb(),
  };
}
