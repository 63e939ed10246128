/**
 * Memory under data: RSS of a real `leadbot start` on a SQLite database storing 100,000 leads
 * with their conversations (seeded with raw inserts), after 1,000 web chat visitors each
 * started a conversation and answered its first question (left open). RSS is read from /proc
 * right after that traffic and again once the process has been idle for a while.
 */
import Database from 'better-sqlite3';
import { newId } from '../src/store/ids.ts';
import { loadScripts, mapConcurrent, postUntilAcknowledged, randomId } from '../test/scale/cluster.ts';
import { freshDatabase } from './databases.ts';
import { IDLE_SETTLE_MS, rssMb, startLeadbot } from './runtime.ts';

export interface MemoryResult {
  stored: number;
  active: number;
  /** Right after the last of the active conversations answered. */
  rssMb: number;
  /** {@link IDLE_SETTLE_MS} later, without traffic. */
  idleRssMb: number;
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
    // One load generator plays every visitor from 127.0.0.1: the per-client budgets are off.
    const bot = await startLeadbot(db.url, { RATE_LIMIT_CHAT_IP: 'off', RATE_LIMIT_CHAT_VISITOR: 'off' });
    try {
      const strong = (await loadScripts()).find((s) => s.name === 'strong-prospect')!;
      // Opening the chat, then the first answer: the lead and its conversation exist, left open.
      const opening = strong.requests.slice(0, 2);
      const visitors = Array.from({ length: active }, (_, i) => `m${i}_${randomId()}`);
      await mapConcurrent(visitors, 50, async (visitorId) => {
        for (const body of opening) await postUntilAcknowledged(() => bot.base, visitorId, body);
      });
      const after = rssMb(bot.child.pid!);
      await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
      return { stored, active, rssMb: after, idleRssMb: rssMb(bot.child.pid!) };
    } finally {
      await bot.stop();
    }
  } finally {
    await db.drop();
  }
}
