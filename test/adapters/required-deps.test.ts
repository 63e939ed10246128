/**
 * No silent stand-ins: an adapter the composition root forgot to give the durable inbox, or a
 * store without the lead events, refuses to be created (CONFIG_INVALID naming what is missing)
 * instead of keeping events in a memory inbox no crash survives, or never writing webhooks.
 */
import { describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/index.ts';
import type { AdapterDeps } from '../../adapters/shared/types.ts';
import { parseSlackConfig } from '../../adapters/slack/config.ts';
import { createSlackAdapter } from '../../adapters/slack/index.ts';
import { createTelegramAdapter } from '../../adapters/telegram/index.ts';
import { createWebAdapter } from '../../adapters/web/index.ts';
import { isLeadbotError } from '../../src/core/errors.ts';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { silentLogger } from '../helpers/engine.ts';
import { memoryInbox } from '../helpers/inbox.ts';
import { testLimits } from '../helpers/limits.ts';

const http = { route() {} };
const slackEnv = {
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 'secret-secret',
  SLACK_BOT_USER_ID: 'UBOT',
  SLACK_BOT_ID: 'BBOT',
};

type Create = (deps: AdapterDeps) => unknown;
const ADAPTERS: Record<string, Create> = {
  web: (deps) => createWebAdapter({ allowedOrigins: [] }, deps),
  slack: (deps) => createSlackAdapter(parseSlackConfig(slackEnv)!, deps),
  telegram: (deps) =>
    createTelegramAdapter({ token: '1:abc', apiRoot: 'http://127.0.0.1:1', mode: 'polling' }, deps),
  discord: (deps) =>
    createDiscordAdapter(
      { token: 'x'.repeat(40), applicationId: '1', apiUrl: 'http://127.0.0.1:1/api', messageContent: false },
      deps,
    ),
};

/** The error `create` throws, or null. */
function refusal(create: () => unknown): unknown {
  try {
    create();
    return null;
  } catch (err) {
    return err;
  }
}

describe('adapters refuse to start without what the composition root must pass', () => {
  for (const name of ['web', 'slack', 'telegram']) {
    it(`${name}: without the durable inbox`, () => {
      const err = refusal(() => ADAPTERS[name]!({ logger: silentLogger, http }));
      expect(isLeadbotError(err, 'CONFIG_INVALID')).toBe(true);
      expect((err as Error).message).toBe(
        `the ${name} adapter needs \`inbox\`: the durable inbox each inbound event is stored in before it is processed`,
      );
    });
  }

  it('web: without the rate limits of its public route', () => {
    const err = refusal(() => ADAPTERS.web!({ logger: silentLogger, http, inbox: memoryInbox() }));
    expect(isLeadbotError(err, 'CONFIG_INVALID')).toBe(true);
    expect((err as Error).message).toContain('the web adapter needs `limits`');
    const ok = refusal(() =>
      ADAPTERS.web!({ logger: silentLogger, http, inbox: memoryInbox(), limits: testLimits().chat }),
    );
    expect(ok).toBeNull();
  });

  for (const name of ['slack', 'telegram', 'discord']) {
    it(`${name}: a store without the lead events`, () => {
      const store = createMemoryStore();
      const err = refusal(() => ADAPTERS[name]!({ logger: silentLogger, http, store, inbox: memoryInbox() }));
      expect(isLeadbotError(err, 'CONFIG_INVALID')).toBe(true);
      expect((err as Error).message).toContain(`the ${name} adapter needs \`leadEvents\``);
      // With both, the same adapter is created.
      const ok = refusal(() =>
        ADAPTERS[name]!({
          logger: silentLogger,
          http,
          store,
          inbox: memoryInbox(),
          leadEvents: NO_LEAD_EVENTS,
        }),
      );
      expect(ok).toBeNull();
    });
  }
});
