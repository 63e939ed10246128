/**
 * `startBot` builds ONE outreach store on the database and hands it to every adapter: a
 * contact recorded through one platform counts on the other, and still counts after a restart.
 */
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { type AdapterEntry, adapterSections, defineAdapter } from '../../src/app/adapters.ts';
import { startBot } from '../../src/app/commands/start.ts';
import { loadConfig } from '../../src/app/config.ts';
import { createLogger } from '../../src/app/logger.ts';
import type { ChatAdapter, OutreachStore } from '../../src/core/ports/index.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { ROOT } from './run-cli.ts';

const logger = createLogger({ level: 'silent' });
const temps: { cleanup(): void }[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) t.cleanup();
});

/** A platform that only keeps the outreach store it was given. */
function capturing(name: string, got: Map<string, OutreachStore | undefined>): AdapterEntry {
  return defineAdapter({
    name,
    prefix: `${name.toUpperCase()}_`,
    variables: [`${name.toUpperCase()}_TOKEN`],
    parse: (env) => (env[`${name.toUpperCase()}_TOKEN`] ? {} : null),
    create: (_config, deps): ChatAdapter => {
      got.set(name, deps.outreach);
      return { platform: 'console', start: async () => {}, stop: async () => {} };
    },
  }) as AdapterEntry;
}

it('every adapter gets the same durable outreach store; limits hold across platforms and restarts', async () => {
  const db = tempSqliteUrl();
  temps.push(db);
  const got = new Map<string, OutreachStore | undefined>();
  const registry = [capturing('alpha', got), capturing('beta', got)];
  const config = loadConfig(
    { DATABASE_URL: db.url, PORT: '0', FLOWS_DIR: join(ROOT, 'flows'), ALPHA_TOKEN: 'a', BETA_TOKEN: 'b' },
    { sections: adapterSections(registry), envFile: null },
  );
  const at = new Date('2026-02-01T10:00:00Z');
  const since = new Date('2026-01-01T00:00:00Z');

  const first = await startBot(config, logger, { migrate: true, registry });
  try {
    const alpha = got.get('alpha');
    expect(alpha).toBeDefined();
    expect(got.get('beta')).toBe(alpha);
    await alpha!.recordContact({
      persons: ['lead:L1', 'slack:T:U1'],
      kind: 'invite',
      platform: 'slack',
      channelId: 'C',
      at,
    });
    await alpha!.setOptOut('telegram::7', at);
    expect(await got.get('beta')!.countContacts(['lead:L1', 'telegram::7'], since)).toBe(1);
  } finally {
    await first.stop();
  }

  got.clear();
  const second = await startBot(config, logger, { migrate: false, registry });
  try {
    const beta = got.get('beta')!;
    expect(await beta.countContacts(['slack:T:U1'], since)).toBe(1);
    expect(await beta.isOptedOut(['telegram::7'])).toBe(true);
  } finally {
    await second.stop();
  }
});
