/**
 * Memory: RSS of a process serving 1,000 active conversations over a database that stores
 * 100,000 more (seeded with raw inserts), on SQLite. Measured in a child process.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { newId } from '../src/store/ids.ts';
import { ROOT } from './core.ts';
import { freshDatabase } from './databases.ts';

const run = promisify(execFile);

export interface MemoryResult {
  stored: number;
  active: number;
  rssMb: number;
  heapMb: number;
}

/** Inserts `n` completed conversations (with their leads) in one SQLite transaction. */
async function seed(url: string, n: number): Promise<void> {
  const db = new Database(url.slice('file:'.length));
  const now = new Date().toISOString();
  const lead = db.prepare(
    'INSERT INTO "Lead" ("id", "sourcePlatform", "updatedAt") VALUES (?, \'console\', ?)',
  );
  const conv = db.prepare(
    `INSERT INTO "Conversation" ("id", "leadId", "flowId", "flowVersion", "status", "platform", "workspaceId", "channelId", "variables")
     VALUES (?, ?, 'default', 'seed', 'completed', 'console', '', ?, '{"company":"Seeded Ltd","team_size":12}')`,
  );
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = newId();
      lead.run(id, now);
      conv.run(newId(), id, `seed-${i}`);
    }
  })();
  db.close();
}

export async function memoryFootprint(stored: number, active: number): Promise<MemoryResult> {
  const db = await freshDatabase('sqlite');
  try {
    await seed(db.url, stored);
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(ROOT, 'bench/memory-child.ts'), db.url, String(active)],
      { cwd: ROOT, maxBuffer: 1 << 20 },
    );
    const m = JSON.parse(stdout.trim().split('\n').at(-1)!) as { rss: number; heapUsed: number };
    return { stored, active, rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20 };
  } finally {
    await db.drop();
  }
}
