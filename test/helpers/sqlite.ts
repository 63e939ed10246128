/** A `file:` DATABASE_URL in a fresh temporary directory, removed by `cleanup()`. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempSqliteUrl(): { url: string; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'leadbot-sqlite-'));
  return {
    url: `file:${join(dir, 'leadbot.db')}`,
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
