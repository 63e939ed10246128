/**
 * Checks that the database can be reached before anything else touches it, so a bad
 * DATABASE_URL fails with one line that says what to fix instead of a driver stack trace.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { LeadbotError } from '../core/errors.ts';
import { describePostgresUrl } from './database-url.ts';

function errorCode(error: unknown): string {
  return (
    (error as { code?: string } | null)?.code ?? (error instanceof Error ? error.message : String(error))
  );
}

function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : `./${rel}`;
}

/** Why the directory cannot take a new file (EACCES, EROFS, …), or null if it can. */
function probeDirectory(dir: string): string | null {
  const probe = join(dir, `.leadbot-write-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
    return null;
  } catch (error) {
    return errorCode(error);
  }
}

/**
 * `mkdir -p` that cannot spin. Node's own `mkdirSync(dir, { recursive: true })` loops forever
 * (100 % CPU, signals never handled) when the kernel answers ENOENT for a child of a
 * directory that exists, as under /proc. Here each missing component is created once, from
 * the nearest existing ancestor down: at most one call per path component.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    const stat = statSync(at, { throwIfNoEntry: false });
    if (stat) {
      if (stat.isDirectory()) break;
      throw Object.assign(new Error(`${at} is not a directory`), { code: 'ENOTDIR' });
    }
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const component of missing) {
    try {
      mkdirSync(component);
    } catch (error) {
      // Another process may have created it in between; anything else is the answer.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(component).isDirectory())
        throw error;
    }
  }
}

/**
 * Where the SQLite file of a command that only reads must already be: says so when it is not
 * there, and creates nothing (a mistyped DATABASE_URL must not leave an empty database behind).
 * @throws LeadbotError STORE_UNAVAILABLE naming the path.
 */
export function ensureSqliteExists(path: string): void {
  if (existsSync(path)) return;
  throw new LeadbotError(
    'STORE_UNAVAILABLE',
    `the SQLite database ${shownPath(path)} does not exist; check DATABASE_URL, or run leadbot migrate to create it`,
  );
}

/**
 * Creates the parent directory if missing and opens (creating) the SQLite file once.
 * @throws LeadbotError STORE_UNAVAILABLE naming the path and the fix.
 */
export function ensureSqliteWritable(path: string): void {
  const fix = 'set DATABASE_URL to a writable path';
  const dir = dirname(path);
  try {
    makeDirectory(dir);
  } catch (error) {
    throw new LeadbotError(
      'STORE_UNAVAILABLE',
      `cannot create directory ${shownPath(dir)} for the SQLite database (${errorCode(error)}); ${fix}`,
      { cause: error },
    );
  }
  try {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.close();
  } catch (error) {
    const reason = probeDirectory(dir);
    const why = reason ? `directory is read-only (${reason})` : `${errorCode(error)}`;
    throw new LeadbotError(
      'STORE_UNAVAILABLE',
      `cannot create SQLite database at ${shownPath(path)}: ${why}; ${fix}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Connects once to the PostgreSQL database.
 * @throws LeadbotError STORE_UNAVAILABLE naming the server and the fix.
 */
export async function ensurePostgresReachable(databaseUrl: string): Promise<void> {
  // Loaded here, not at the top: a SQLite process never pays for the PostgreSQL driver.
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    const where = describePostgresUrl(databaseUrl);
    const code = errorCode(error);
    const fix =
      code === '3D000'
        ? `database does not exist; create it (createdb ${new URL(databaseUrl).pathname.slice(1)}) or fix DATABASE_URL`
        : code === '28P01' || code === '28000'
          ? 'authentication failed; fix the user/password in DATABASE_URL'
          : `${code}; start PostgreSQL or fix DATABASE_URL`;
    throw new LeadbotError('STORE_UNAVAILABLE', `cannot connect to PostgreSQL at ${where}: ${fix}`, {
      cause: error,
    });
  } finally {
    await client.end().catch(() => {});
  }
}
