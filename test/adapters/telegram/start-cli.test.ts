/**
 * `leadbot start` with only the Telegram variables set runs the Telegram bot: the spawned
 * process long-polls the fake Bot API, qualifies a prospect to SQL in its SQLite database,
 * and stops cleanly on SIGINT.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, type RunningCli, startCli } from '../../app/run-cli.ts';
import { type FakeTelegramApi, startFakeTelegramApi } from '../../fakes/telegram-api.ts';
import { tempSqliteUrl } from '../../helpers/sqlite.ts';
import { type Harness, person, qualify } from './harness.ts';

let api: FakeTelegramApi | undefined;
let bot: RunningCli | undefined;
let db: ReturnType<typeof tempSqliteUrl> | undefined;
afterEach(async () => {
  if (bot && bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
  await bot?.exited;
  await api?.close();
  db?.cleanup();
  bot = api = db = undefined;
});

// `leadbot start` opens the store through src/store/open-store.ts, landing from the storage
// work stream; until then the spawned process cannot start at all.
const storeReady = existsSync(join(ROOT, 'src/store/open-store.ts'));

describe('leadbot start with TELEGRAM_BOT_TOKEN', () => {
  it.skipIf(!storeReady)(
    'runs the Telegram bot by long polling and qualifies a prospect to SQL',
    async () => {
      api = await startFakeTelegramApi();
      db = tempSqliteUrl();
      bot = startCli(['start'], {
        TELEGRAM_BOT_TOKEN: api.token,
        TELEGRAM_API_ROOT: api.apiRoot,
        DATABASE_URL: db.url,
        FLOWS_DIR: join(ROOT, 'flows'),
        PORT: '0',
      });
      const ready = await bot.waitForLog('leadbot ready');
      expect(ready.adapters).toContain('telegram');
      await api.waitForCall((c) => c.method === 'getUpdates');
      expect(api.calls.map((c) => c.method).slice(0, 3)).toEqual(['getMe', 'deleteWebhook', 'getUpdates']);

      // The spawned process polls the fake: play the person through it.
      const fake = api;
      let updateId = 1;
      const polling = {
        api: fake,
        nextUpdateId: () => updateId++,
        async deliver(update) {
          const answered = fake.answered();
          fake.push(update);
          await answered;
          return 200;
        },
      } as Pick<Harness, 'api' | 'nextUpdateId' | 'deliver'> as Harness;
      await qualify(person(polling));

      const sqlite = new Database(db.url.slice('file:'.length), { readonly: true });
      try {
        const lead = sqlite.prepare('SELECT * FROM Lead').all() as Record<string, unknown>[];
        expect(lead).toHaveLength(1);
        expect(lead[0]).toMatchObject({ stage: 'SQL' });
        expect(JSON.stringify(lead[0])).toContain('webinar_nov');
        expect(sqlite.prepare('SELECT COUNT(*) AS n FROM OutboxMessage').get()).toEqual({ n: 1 });
      } finally {
        sqlite.close();
      }

      bot.child.kill('SIGINT');
      expect((await bot.exited).code).toBe(0);
    },
  );
});
