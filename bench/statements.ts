/**
 * Counts the SQL statements the process sends, by wrapping the drivers beneath Prisma's
 * adapters: every execution of a better-sqlite3 prepared statement (`run`, `all`, `get`,
 * `iterate` on the Statement prototype, so statements reused from the store's cache count each
 * time, BEGIN and COMMIT included), and every node-postgres `Client.query` (a pool's queries
 * too). The hot path's figure is statements per message.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

let count = 0;
let installed = false;

type Method = (...a: unknown[]) => unknown;

function countCalls(proto: Record<string, Method>, names: readonly string[]): void {
  for (const name of names) {
    const original = proto[name]!;
    proto[name] = function (this: unknown, ...a: unknown[]) {
      count += 1;
      return original.apply(this, a);
    };
  }
}

/** Starts counting (idempotent); returns a reader of the statements sent since `mark()`. */
export function statementCounter(): { mark(): void; since(): number } {
  if (!installed) {
    installed = true;
    const probe = new Database(':memory:');
    const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, Method>;
    probe.close();
    countCalls(statementProto, ['run', 'all', 'get', 'iterate']);
    countCalls(pg.Client.prototype as unknown as Record<string, Method>, ['query']);
  }
  let start = count;
  return {
    mark() {
      start = count;
    },
    since: () => count - start,
  };
}
