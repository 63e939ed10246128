/**
 * Makes the better-sqlite3 driver adapter usable by the wasm schema engine.
 *
 * The wasm engine sends a whole migration script to SQLite through `executeRaw`, but
 * better-sqlite3 prepares one statement at a time and refuses scripts ("The supplied SQL string
 * contains more than one statement"). This wrapper routes such scripts to `executeScript`.
 * The engine applies each migration with `executeScript` and no transaction of its own; here it
 * runs inside `BEGIN … COMMIT`, so a migration that fails half-way leaves the database as it
 * was. (Inside a transaction SQLite ignores `PRAGMA foreign_keys`; Prisma's table-redefinition
 * migrations also set `defer_foreign_keys`, which does work there.)
 */
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQuery,
} from '@prisma/driver-adapter-utils';

function isMultiStatementError(error: unknown): boolean {
  const text = `${error instanceof Error ? error.message : ''} ${JSON.stringify(error)}`;
  return text.includes('more than one statement');
}

/** Runs `script` atomically; on failure rolls back and rethrows the original error. */
async function runScriptAtomically(adapter: SqlDriverAdapter, script: string): Promise<void> {
  await adapter.executeScript('BEGIN IMMEDIATE');
  try {
    await adapter.executeScript(script);
    await adapter.executeScript('COMMIT');
  } catch (error) {
    await adapter.executeScript('ROLLBACK').catch(() => {});
    throw error;
  }
}

function wrapAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = async (query: SqlQuery): Promise<number> => {
    try {
      return await adapter.executeRaw(query);
    } catch (error) {
      if (query.args.length > 0 || !isMultiStatementError(error)) throw error;
      await runScriptAtomically(adapter, query.sql);
      return 0;
    }
  };
  const executeScript = (script: string) => runScriptAtomically(adapter, script);
  return new Proxy(adapter, {
    get(target, key, receiver) {
      if (key === 'executeRaw') return executeRaw;
      if (key === 'executeScript') return executeScript;
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Wraps a better-sqlite3 adapter factory for use by the schema engine (not by the client). */
export function forSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => wrapAdapter(await factory.connect()),
    connectToShadowDb: async () => wrapAdapter(await factory.connectToShadowDb()),
  };
}
