/**
 * Counts the SQL statements the process sends, by wrapping the drivers beneath Prisma's
 * adapters: better-sqlite3 prepares every statement anew (the adapter binds parameters to a
 * fresh prepared statement, BEGIN included), and node-postgres sends each through
 * `Client.query` (a pool's queries too). The hot path's figure is statements per message.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

let count = 0;
let installed = false;

/** Starts counting (idempotent); returns a reader of the statements sent since `mark()`. */
export function statementCounter(): { mark(): void; since(): number } {
  if (!installed) {
    installed = true;
    const proto = Database.prototype as unknown as { prepare: (...a: unknown[]) => unknown };
    const prepare = proto.prepare;
    proto.prepare = function (this: unknown, ...a: unknown[]) {
      count += 1;
      return prepare.apply(this, a);
    };
    const client = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
    const query = client.query;
    client.query = function (this: unknown, ...a: unknown[]) {
      count += 1;
      return query.apply(this, a);
    };
  }
  let start = count;
  return {
    mark() {
      start = count;
    },
    since: () => count - start,
  };
}
