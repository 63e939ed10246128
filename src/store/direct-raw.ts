/**
 * Raw statements handed straight to the driver adapter — an interactive transaction's to the
 * adapter transaction behind it, the others to the adapter itself, as Prisma would hand them —
 * without a trip through Prisma's client runtime.
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
 * parameter encoding and row decoding as Prisma's (raw-codec.ts), and its errors come back as the same
 * `P2010` Prisma raises for a raw statement. Everything else (the query API, BEGIN and COMMIT,
 * timeouts) stays Prisma's; once Prisma ends the transaction (commit, rollback, its timeout)
 * a direct statement fails instead of running outside it.
 */

import type {
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';
import type { Db, Dialect, Prisma } from './prisma-types.ts';
import { asRawQueryError, decodeRows, toQuery } from './raw-codec.ts';

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
  /** The adapter Prisma connected (the latest, after a reconnect). */
  adapter?: SqlDriverAdapter;
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
      registry.adapter = adapter;
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

  const open = () => {
    if (slot.closed)
      throw new Error('Transaction already closed: a raw statement after its commit or rollback');
    return adapterTx;
  };
  return withOverrides(tx, names(runners(dialect, open))) as Db;
}

/**
 * The store's client with its raw statements run on the driver adapter: outside transactions
 * on the adapter itself, as Prisma runs them, and in every interactive transaction it starts
 * on the adapter transaction behind it ({@link directRaw}). Prisma must have connected (a
 * first query) before its first raw statement: `openStore` does.
 */
export function directClient<C extends object>(client: C, dialect: Dialect, direct: DirectTransactions): C {
  const registry = REGISTRIES.get(direct);
  if (!registry) throw new Error('directClient: the factory was not built by withDirectTransactions');
  const own = runners(dialect, () => {
    if (!registry.adapter) throw new Error('directClient: the driver adapter is not connected');
    return registry.adapter;
  });
  const begin = (
    client as unknown as { $transaction: (...args: unknown[]) => Promise<unknown> }
  ).$transaction.bind(client);
  const $transaction = (work: unknown, options?: unknown) =>
    typeof work === 'function'
      ? begin(async (itx: Prisma.TransactionClient) => work(await directRaw(itx, dialect, direct)), options)
      : begin(work, options); // a batch of queries: Prisma's own
  return withOverrides(client, { ...names(own), $transaction });
}

type Runner = (...args: unknown[]) => Promise<unknown>;

/** `$queryRaw`/`$executeRaw` on the adapter queryable `target()` returns. */
function runners(dialect: Dialect, target: () => DirectTx): { queryRaw: Runner; executeRaw: Runner } {
  const run = async (kind: 'query' | 'execute', args: unknown[]): Promise<unknown> => {
    const on = target();
    const query = toQuery(dialect, args);
    directStatements += 1;
    try {
      if (kind === 'execute') return await on.executeRaw(query);
      return decodeRows(await on.queryRaw(query));
    } catch (error) {
      throw asRawQueryError(error);
    }
  };
  return { queryRaw: (...args) => run('query', args), executeRaw: (...args) => run('execute', args) };
}

const names = (r: { queryRaw: Runner; executeRaw: Runner }) => ({
  $queryRaw: r.queryRaw,
  $executeRaw: r.executeRaw,
});

/** `client` with these members replaced; the others are the client's own, bound to it. */
function withOverrides<C extends object>(client: C, overrides: Record<string, unknown>): C {
  return new Proxy(client, {
    get(target, property) {
      if (typeof property === 'string' && Object.hasOwn(overrides, property)) return overrides[property];
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
