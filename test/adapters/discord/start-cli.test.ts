/**
 * `leadbot start` with only the Discord variables set runs the Discord bot: a spawned
 * `node bin/leadbot.js start` (which migrates the SQLite file itself) registers /qualify on
 * the fake and answers /qualify in a DM.
 */
import { afterEach, expect, test } from 'vitest';
import { ROOT, type RunningCli, startCli } from '../../app/run-cli.ts';
import { IDS, startFakeDiscord } from '../../fakes/discord-api.ts';
import { tempSqliteUrl } from '../../helpers/sqlite.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

test('leadbot start runs the Discord bot against the fake', async () => {
  const fake = await startFakeDiscord();
  cleanups.push(() => fake.close());
  const db = tempSqliteUrl();
  cleanups.push(() => db.cleanup());
  const cli: RunningCli = startCli(['start'], {
    DATABASE_URL: db.url,
    PORT: '0',
    FLOWS_DIR: `${ROOT}/flows`,
    DISCORD_TOKEN: 'fake-bot-token-abcdefghijklmnopqrstuvwxyz',
    DISCORD_APPLICATION_ID: IDS.application,
    DISCORD_API_URL: fake.apiUrl,
  });
  cleanups.push(async () => {
    cli.child.kill('SIGTERM');
    await cli.exited;
  });
  await cli.waitForLog('Discord bot connected');
  expect(fake.commands.get('global')?.map((c) => c.name)).toEqual(['qualify', 'leadbot', 'link']);
  const pat = fake.user('pat');
  fake.slash(pat, 'dm');
  const dm = fake.dmChannelOf(pat.id);
  await fake.waitFor('the first question', () => fake.visible(dm, pat.id).some((m) => m.content.length > 0));
});
