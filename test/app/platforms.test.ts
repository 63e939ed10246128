/**
 * Platforms are data: an adapter registers its name (src/app/adapters.ts) and the core takes
 * any registered name — a platform it has never heard of runs a conversation through
 * `startBot` and the SQLite store like the shipped ones. Names the registry would make
 * ambiguous are refused where they are declared.
 */
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type AdapterEntry, adapterSections, defineAdapter } from '../../src/app/adapters.ts';
import { startBot } from '../../src/app/commands/start.ts';
import { loadConfig } from '../../src/app/config.ts';
import { createLogger } from '../../src/app/logger.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import type { ChatAdapter, InboundHandler } from '../../src/core/ports/index.ts';
import { openStore } from '../../src/store/open-store.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { ROOT } from './run-cli.ts';

const temps: { cleanup(): void }[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) t.cleanup();
});

/** A platform named `name` whose adapter hands its handler to `got`. */
function platform(name: string, got: { handler?: InboundHandler }): AdapterEntry {
  const prefix = `${name.toUpperCase()}_`;
  return defineAdapter({
    name,
    prefix,
    variables: [`${prefix}TOKEN`],
    parse: (env) => (env[`${prefix}TOKEN`] ? {} : null),
    create: (): ChatAdapter => ({
      platform: name,
      async start(h) {
        got.handler = h;
      },
      async stop() {},
    }),
  }) as AdapterEntry;
}

describe('platforms are data', () => {
  it('a newly registered platform runs a conversation: its name keys the lead, identity and conversation', async () => {
    const db = tempSqliteUrl();
    temps.push(db);
    const got: { handler?: InboundHandler } = {};
    const registry = [platform('matrix', got)];
    const config = loadConfig(
      { DATABASE_URL: db.url, PORT: '0', FLOWS_DIR: join(ROOT, 'flows'), WEB_CHAT: 'off', MATRIX_TOKEN: 't' },
      { sections: adapterSections(registry), envFile: null },
    );
    const bot = await startBot(config, createLogger({ level: 'silent' }), { migrate: true, registry });
    const origin = {
      platform: 'matrix',
      workspaceId: 'hs.example',
      channelId: '!room',
      userId: '@ann',
      isDirect: true,
    };
    try {
      expect(bot.adapters).toEqual(['matrix']);
      const first = await got.handler!({
        ...origin,
        kind: 'message',
        text: 'hi',
        eventId: 'm1',
      } as InboundEvent);
      expect(first.some((m) => m.kind === 'question')).toBe(true);
    } finally {
      await bot.stop();
    }
    const store = await openStore(db.url, { logger: pino({ level: 'silent' }) });
    try {
      const lead = await store.findLeadByIdentity({
        platform: 'matrix',
        workspaceId: 'hs.example',
        userId: '@ann',
      });
      expect(lead?.source.platform).toBe('matrix');
      const [conversation] = await store.listConversations(lead!.id);
      expect(conversation).toMatchObject({ platform: 'matrix', channelId: '!room', status: 'active' });
      expect(await store.markEventProcessed('matrix', 'm1')).toBe(false); // recorded under its platform
    } finally {
      await store.close();
    }
  }, 60_000);

  it('refuses a name that is not a lowercase word, or is the terminal chat’s', () => {
    for (const name of ['Slack', 'my:chat', 'two words', '', 'console'])
      expect(() => platform(name, {}), name).toThrow(/must be a lowercase word/);
  });

  it('refuses two registry entries of one name', () => {
    expect(() => adapterSections([platform('matrix', {}), platform('matrix', {})])).toThrow(
      'two entries of the adapter registry are named matrix',
    );
  });
});
