/**
 * Raw statements of an interactive transaction handed straight to the driver adapter's
 * transaction, without a trip through Prisma's client runtime.
 *
 * `tx.$queryRaw` costs ~70-80 µs of CPU on this machine before and after the database's own
 * ~10 µs (measured: the same SELECT inside one transaction, through `tx.$queryRaw` against the
 * adapter's `queryRaw`): the parameters are serialised to JSON and parsed back, the query
 * compiler plans the raw query, the interpreter runs the plan, the rows are re-encoded and
 * decoded. The hot path's statements are all raw (raw-statements.ts), so that runtime is most
 * of a lone message's CPU.
 *
 * How: the driver adapter factory is wrapped (`withDirectTransactions`) so that every adapter
 * transaction Prisma starts answers one marker statement without running it: the marker, sent
 * through Prisma on the interactive transaction (`directRaw`), names a slot, and the adapter
 * transaction that receives it is the one behind that interactive transaction — on SQLite and
 * on a PostgreSQL pool alike, whatever else runs at the same time. From then on the
 * transaction's `$queryRaw`/`$executeRaw` run on that adapter transaction with the same
 * parameter encoding and row decoding as Prisma's (below), and its errors come back as the same
 * `P2010` Prisma raises for a raw statement. Everything else (the query API, BEGIN and COMMIT,
 * timeouts) stays Prisma's; once Prisma ends the transaction (commit, rollback, its timeout)
 * a direct statement fails instead of running outside it.
 */

import { Decimal, PrismaClientKnownRequestError, Sql } from '@prisma/client/runtime/client';
import {
  type ArgScalarType,
  type ArgType,
  ColumnTypeEnum,
  isDriverAdapterError,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import type { Db, Dialect, Prisma } from './prisma-types.ts';

/**
 * The marker a transaction sends through Prisma, its slot's number as the one parameter; the
 * adapter transaction answers it without running it. One constant text, so nothing keyed by
 * SQL (statement caches, logs) sees a new statement per transaction.
 */
const MARKER = '/* leadbot:direct */ SELECT 1';
const EMPTY: SqlResultSet = { columnNames: [], columnTypes: [], rows: [] };

/** The adapter transaction's own statement runners. */
type DirectTx = Pick<Transaction, 'queryRaw' | 'executeRaw'>;

interface Slot {
  tx?: DirectTx;
  closed: boolean;
}

/** A factory wrapped by {@link withDirectTransactions} (a brand: what directRaw accepts). */
export interface DirectTransactions {
  readonly directTransactions: true;
}

interface Registry {
  /** Slots waiting for their marker, by number. */
  pending: Map<number, Slot>;
  next: number;
}

let directStatements = 0;
/** Statements run through the direct path in this process so far (tests and the bench). */
export const directStatementCount = () => directStatements;

const REGISTRIES = new WeakMap<object, Registry>();

/**
 * Makes `factory`'s adapter transactions answer the marker of {@link directRaw} (its `connect`
 * is wrapped in place; everything else about the factory stays as it was).
 */
export function withDirectTransactions<F extends SqlDriverAdapterFactory>(
  factory: F,
): F & DirectTransactions {
  const registry: Registry = { pending: new Map(), next: 0 };
  const connect = factory.connect.bind(factory);
  const wrapped = Object.assign(factory, {
    async connect() {
      const adapter = await connect();
      interceptTransactions(adapter, registry);
      return adapter;
    },
    directTransactions: true as const,
  });
  REGISTRIES.set(wrapped, registry);
  return wrapped;
}

function interceptTransactions(adapter: SqlDriverAdapter, registry: Registry): void {
  const start = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const tx = await start(isolationLevel);
    const own: DirectTx = { queryRaw: tx.queryRaw.bind(tx), executeRaw: tx.executeRaw.bind(tx) };
    const commit = tx.commit.bind(tx);
    const rollback = tx.rollback.bind(tx);
    let slot: Slot | undefined;
    tx.queryRaw = (query: SqlQuery) => {
      if (query.sql !== MARKER) return own.queryRaw(query);
      const id = Number(query.args[0]);
      slot = registry.pending.get(id);
      registry.pending.delete(id);
      if (slot) slot.tx = own;
      return Promise.resolve(EMPTY);
    };
    const end = (fn: () => Promise<void>) => () => {
      if (slot) slot.closed = true;
      return fn();
    };
    tx.commit = end(commit);
    tx.rollback = end(rollback);
    return tx;
  };
}

/**
 * The interactive transaction `tx` with its raw statements run on the adapter transaction
 * behind it. `direct` is the factory given to the client (from {@link withDirectTransactions}).
 */
export async function directRaw(
  tx: Prisma.TransactionClient,
  dialect: Dialect,
  direct: DirectTransactions,
): Promise<Db> {
  const registry = REGISTRIES.get(direct);
  if (!registry) throw new Error('directRaw: the factory was not built by withDirectTransactions');
  const slot: Slot = { closed: false };
  const id = registry.next++;
  registry.pending.set(id, slot);
  try {
    await tx.$queryRawUnsafe(MARKER, id);
  } finally {
    registry.pending.delete(id);
  }
  const adapterTx = slot.tx;
  if (!adapterTx) throw new Error('directRaw: the driver adapter did not receive the transaction marker');

  const run = async <T>(kind: 'query' | 'execute', args: unknown[]): Promise<T> => {
    if (slot.closed)
      throw new Error('Transaction already closed: a raw statement after its commit or rollback');
    const query = toQuery(dialect, args);
    directStatements += 1;
    try {
      if (kind === 'execute') return (await adapterTx.executeRaw(query)) as T;
      return decodeRows(await adapterTx.queryRaw(query)) as T;
    } catch (error) {
      throw asRawQueryError(error);
    }
  };
  const queryRaw = (...args: unknown[]) => run('query', args);
  const executeRaw = (...args: unknown[]) => run('execute', args);
  return new Proxy(tx, {
    get(target, property, receiver) {
      if (property === '$queryRaw') return queryRaw;
      if (property === '$executeRaw') return executeRaw;
      return Reflect.get(target, property, receiver);
    },
  }) as Db;
}

/** `$queryRaw(sql)` or `` $queryRaw`…${v}…` `` as the adapter's query, placeholders per dialect. */
function toQuery(dialect: Dialect, args: unknown[]): SqlQuery {
  const [first, ...rest] = args;
  const statement =
    first instanceof Sql ? first : new Sql(first as readonly string[], rest as Prisma.Sql['values']);
  const values = statement.values.map(encode);
  return {
    sql: dialect === 'postgres' ? statement.text : statement.sql,
    args: values.map((v) => v.arg),
    argTypes: values.map((v) => v.type),
  };
}

/**
 * A parameter as Prisma's raw path hands it to the adapter (serializeRawParameters, then
 * deserializeRawParameters): dates as ISO text typed `datetime`, numbers typed `decimal`,
 * objects as JSON text, lists element by element.
 */
function encode(value: unknown): { arg: unknown; type: ArgType } {
  if (Array.isArray(value)) {
    const items = value.map(encode);
    return {
      arg: items.map((i) => i.arg),
      type: { scalarType: items[0]?.type.scalarType ?? 'unknown', arity: 'list' },
    };
  }
  const scalar = (arg: unknown, scalarType: ArgScalarType) => ({
    arg,
    type: { scalarType, arity: 'scalar' as const },
  });
  if (value === undefined || value === null) return scalar(null, 'unknown');
  if (typeof value === 'string') return scalar(value, 'string');
  if (typeof value === 'number') return scalar(Number.isFinite(value) ? value : null, 'decimal');
  if (typeof value === 'bigint') return scalar(value.toString(), 'bigint');
  if (typeof value === 'boolean') return scalar(value, 'unknown');
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('Provided Date object is invalid');
    return scalar(value.toJSON(), 'datetime');
  }
  if (Decimal.isDecimal(value)) return scalar((value as Decimal).toJSON(), 'decimal');
  if (value instanceof Uint8Array) return scalar(Buffer.from(value).toString('base64'), 'bytes');
  return scalar(JSON.stringify(value), 'unknown');
}

function scalar(arg: unknown, scalarType: ArgScalarType): { arg: unknown; type: ArgType } {
  return { arg, type: { scalarType, arity: 'scalar' } };
}

/** Rows as objects, values as Prisma's `$queryRaw` returns them (serializeRawSql, then deserializeRawResult). */
function decodeRows(result: SqlResultSet): Record<string, unknown>[] {
  const { columnNames, columnTypes, rows } = result;
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < columnNames.length; i++) out[columnNames[i]!] = decode(row[i], columnTypes[i]!);
    return out;
  });
}

const ARRAY_OF: Partial<Record<number, number>> = {
  [ColumnTypeEnum.Int32Array]: ColumnTypeEnum.Int32,
  [ColumnTypeEnum.Int64Array]: ColumnTypeEnum.Int64,
  [ColumnTypeEnum.JsonArray]: ColumnTypeEnum.Json,
  [ColumnTypeEnum.BooleanArray]: ColumnTypeEnum.Boolean,
  [ColumnTypeEnum.DateTimeArray]: ColumnTypeEnum.DateTime,
  [ColumnTypeEnum.DateArray]: ColumnTypeEnum.Date,
  [ColumnTypeEnum.TimeArray]: ColumnTypeEnum.Time,
  [ColumnTypeEnum.NumericArray]: ColumnTypeEnum.Numeric,
};

function decode(value: unknown, type: number): unknown {
  if (value === null || value === undefined) return null;
  const element = ARRAY_OF[type];
  if (element !== undefined) return (value as unknown[]).map((v) => decode(v, element));
  switch (type) {
    case ColumnTypeEnum.Int32:
      return Math.trunc(Number(value));
    case ColumnTypeEnum.Int64:
      return typeof value === 'number' ? BigInt(Math.trunc(value)) : BigInt(value as string);
    case ColumnTypeEnum.Json:
      return JSON.parse(value as string);
    case ColumnTypeEnum.Boolean:
      return typeof value === 'boolean' ? value : value === 'true' || value === '1' || value === 1;
    case ColumnTypeEnum.DateTime:
    case ColumnTypeEnum.Date:
      return new Date(value as string);
    case ColumnTypeEnum.Time:
      return new Date(`1970-01-01T${value as string}Z`);
    case ColumnTypeEnum.Numeric:
      return new Decimal(value as string);
    case ColumnTypeEnum.Bytes:
      throw new Error('directRaw: byte columns are not read through the direct path');
    default:
      return value;
  }
}

/** A driver error as Prisma reports a failed raw statement (P2010, the driver's error in `meta`). */
function asRawQueryError(error: unknown): unknown {
  if (!isDriverAdapterError(error)) return error;
  const cause = error.cause as {
    originalCode?: string;
    originalMessage?: string;
    message?: string;
    kind: string;
  };
  const code = cause.originalCode ?? 'N/A';
  const message = cause.originalMessage ?? cause.message ?? cause.kind;
  return new PrismaClientKnownRequestError(`Raw query failed. Code: \`${code}\`. Message: \`${message}\``, {
    code: 'P2010',
    clientVersion: 'direct',
    meta: { driverAdapterError: error },
  });
}
