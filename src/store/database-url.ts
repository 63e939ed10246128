/** Which database a `DATABASE_URL` points at, and what the drivers need from it. */
import { isAbsolute, resolve } from 'node:path';
import { LeadbotError } from '../core/errors.ts';
import type { Provider } from './migrations-dir.ts';

/**
 * `file:` → SQLite; `postgres://` / `postgresql://` → PostgreSQL.
 * @throws LeadbotError CONFIG_INVALID for anything else.
 */
export function detectProvider(databaseUrl: string): Provider {
  if (databaseUrl.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return 'postgres';
  const shown = databaseUrl.replace(/\/\/[^@/]*@/, '//***@');
  throw new LeadbotError(
    'CONFIG_INVALID',
    `DATABASE_URL "${shown}" is not supported: use file:./data/leadbot.db or postgresql://user@host:5432/db`,
  );
}

/** The file path of a `file:` URL, absolute (relative paths resolve against the working directory). */
export function sqliteFilePath(databaseUrl: string): string {
  let path = databaseUrl.slice('file:'.length).replace(/[?#].*$/, '');
  if (path.startsWith('//')) path = path.slice(2); // file:///abs/path
  return isAbsolute(path) ? path : resolve(path);
}

/** `host:port/db` of a PostgreSQL URL, without credentials, for messages. */
export function describePostgresUrl(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}
