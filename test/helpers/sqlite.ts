/** Throwaway SQLite database files for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A `file:` URL in a fresh temporary directory. */
export interface TempSqlite {
  /** `file:/tmp/leadbot-sqlite-XXXX/leadbot.db` */
  url: string;
  /** The temporary directory holding the database (and its -wal/-shm files). */
  dir: string;
  /** Removes the directory and everything in it. Safe to call twice. */
  cleanup(): void;
}

/** Creates a fresh temporary directory and returns a `file:` URL for a database inside it. */
export function tempSqliteUrl(): TempSqlite {
  const dir = mkdtempSync(join(tmpdir(), 'leadbot-sqlite-'));
  return {
    url: `file:${join(dir, 'leadbot.db')}`,
    dir,
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
