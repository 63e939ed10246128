/**
 * The engine over the real Prisma store on SQLite and PostgreSQL: a full qualification,
 * a process restart mid-conversation, and two instances racing on one person.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTranscript, runTranscript } from '../../src/app/transcripts.ts';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { createTestClock, createTestEngine, dm, FLOWS_DIR, silentLogger } from '../helpers/engine.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

const logger = pino({ level: 'silent' });

async function open(url: string): Promise<LeadStore> {
  const { migrateDatabase } = await import('../../src/store/migrate.ts');
  const { openStore } = await import('../../src/store/open-store.ts');
  await migrateDatabase(url, { logger });
  return openStore(url, { logger });
}

const backends: {
  name: string;
  setup: () => Promise<{ url: string; cleanup: () => Promise<void> } | null>;
}[] = [
  {
    name: 'sqlite',
    setup: async () => {
      const db = tempSqliteUrl();
      return { url: db.url, cleanup: async () => db.cleanup() };
    },
  },
  {
    name: 'postgres',
    setup: async () => {
      const db: TestDatabase | null = await createTestDatabase();
      return db ? { url: db.url, cleanup: () => db.drop() } : null;
    },
  },
];

for (const backend of backends) {
  describe(`engine on ${backend.name}`, () => {
    let store: LeadStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      const db = await backend.setup();
      if (!db) throw new Error(`${backend.name} is not available`);
      cleanup = db.cleanup;
      store = await open(db.url);
    });
    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('runs the strong-prospect transcript to SQL with one alert', async () => {
      const { flows } = await createTestEngine({ store });
      const transcript = await loadTranscript(`${FLOWS_DIR}transcripts/strong-prospect.yaml`);
      const result = await runTranscript(transcript, {
        store,
        flows,
        clock: createTestClock(),
        logger: silentLogger,
      });
      expect(result.failures).toEqual([]);
    });

    it('resumes after a restart and keeps two instances from both advancing', async () => {
      const user = { userId: `racer-${backend.name}` };
      const first = await createTestEngine({ store });
      await first.engine.handle(dm({ kind: 'command', name: 'start' }, user));
      // "Restart the process": new engines, same database.
      const a = await createTestEngine({ store });
      const b = await createTestEngine({ store });
      await Promise.all([
        a.engine.handle(dm({ kind: 'message', text: 'evaluating' }, user)),
        b.engine.handle(dm({ kind: 'message', text: 'Acme' }, user)),
      ]);
      const identity = await store.findIdentity({ platform: 'console', workspaceId: '', ...user });
      const [conv] = await store.listConversations(identity!.leadId);
      const answers = await store.listAnswers(conv!.id);
      expect(answers).toHaveLength(2);
      // Either order is fine; what matters is that both were applied one after the other.
      const accepted = answers.filter((x) => x.accepted).map((x) => x.stepId);
      if (accepted.length === 2) expect(conv!.currentStep).toBe('role');
      else expect(conv!.currentStep).toBe('company');
      expect(conv!.version).toBe(2);
    });

    it('two instances taking turns on one person apply every answer to the step it answers', async () => {
      const user = { userId: `turns-${backend.name}` };
      const a = await createTestEngine({ store });
      const b = await createTestEngine({ store });
      const say = (e: typeof a, text: string) => e.engine.handle(dm({ kind: 'message', text }, user));
      await say(a, 'hi');
      await say(a, 'evaluating');
      await say(b, 'Acme Corp');
      const out = await say(a, '1');
      expect(out.at(-1)).toMatchObject({ kind: 'question', stepId: 'team_size' });
      const identity = await store.findIdentity({ platform: 'console', workspaceId: '', ...user });
      const [conv] = await store.listConversations(identity!.leadId);
      expect((await store.listAnswers(conv!.id)).map((x) => [x.stepId, x.rawText])).toEqual([
        ['need', 'evaluating'],
        ['company', 'Acme Corp'],
        ['role', '1'],
      ]);
      expect(conv).toMatchObject({ currentStep: 'team_size', version: 3 });
    });
  });
}
