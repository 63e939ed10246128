/**
 * `SALES_ALERTS` chooses the adapter whose sink delivers sales alerts: through `startBot` with
 * three stand-in platforms named like the real ones, each with its own recording sink, and
 * through the real CLI for the one-line configuration error.
 */
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type AdapterEntry, adapterSections, defineAdapter } from '../../src/app/adapters.ts';
import { startBot } from '../../src/app/commands/start.ts';
import { ConfigError, loadConfig } from '../../src/app/config.ts';
import { createLogger } from '../../src/app/logger.ts';
import { changeStage } from '../../src/core/lead-lifecycle.ts';
import type { AlertSink, ChatAdapter } from '../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { openStore } from '../../src/store/open-store.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { ROOT, runCli } from './run-cli.ts';

const logger = createLogger({ level: 'silent' });
const temps: { cleanup(): void }[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) t.cleanup();
});

const CHANNEL_VARIABLE = {
  slack: 'SLACK_SALES_CHANNEL',
  discord: 'DISCORD_SALES_CHANNEL_ID',
  telegram: 'TELEGRAM_SALES_CHAT_ID',
} as const;
type Name = keyof typeof CHANNEL_VARIABLE;

/** Stand-ins for the three platforms: token variable enables, sales channel variable gives a sink. */
function platforms() {
  const delivered: { sink: Name; key: string }[] = [];
  const entry = (name: Name) => {
    const prefix = `${name.toUpperCase()}_`;
    return defineAdapter({
      name,
      prefix,
      variables: [`${prefix}TOKEN`, CHANNEL_VARIABLE[name]],
      parse: (env) => (env[`${prefix}TOKEN`] ? { salesChannel: env[CHANNEL_VARIABLE[name]] || null } : null),
      create: (config): ChatAdapter & { alertSink: AlertSink | null } => ({
        platform: 'console',
        alertSink: config.salesChannel
          ? {
              name,
              async deliver(_alert, key) {
                delivered.push({ sink: name, key });
                return { externalRef: `${name}-${delivered.length}` };
              },
            }
          : null,
        async start() {},
        async stop() {},
      }),
    }) as AdapterEntry;
  };
  // Registry order differs from the default preference (slack, discord, telegram) on purpose.
  return { registry: [entry('slack'), entry('telegram'), entry('discord')], delivered };
}

function configFor(registry: AdapterEntry[], env: Record<string, string>) {
  const db = tempSqliteUrl();
  temps.push(db);
  const config = loadConfig(
    { DATABASE_URL: db.url, PORT: '0', FLOWS_DIR: join(ROOT, 'flows'), ...env },
    { sections: adapterSections(registry), envFile: null },
  );
  return { config, url: db.url };
}

/** Starts the bot, qualifies one lead to SQL in its database, stops (the stop flushes the outbox). */
async function runWith(env: Record<string, string>) {
  const { registry, delivered } = platforms();
  const { config, url } = configFor(registry, env);
  const bot = await startBot(config, logger, { migrate: true, registry });
  const store = await openStore(url, { logger: pino({ level: 'silent' }) });
  try {
    const lead = await store.createLead({ name: 'Ann' });
    await store.transaction((tx) =>
      changeStage(tx, NO_LEAD_EVENTS, {
        leadId: lead.id,
        to: 'SQL',
        reason: 'test',
        actor: 'engine',
        now: new Date(),
      }),
    );
  } finally {
    await store.close();
    await bot.stop();
  }
  return { config, delivered };
}

describe('SALES_ALERTS', () => {
  it('sends alerts through the named adapter even when another has a sales channel', async () => {
    const { config, delivered } = await runWith({
      SLACK_TOKEN: 't',
      SLACK_SALES_CHANNEL: 'C1',
      DISCORD_TOKEN: 't',
      DISCORD_SALES_CHANNEL_ID: '42',
      SALES_ALERTS: 'discord',
    });
    expect(config.salesAlerts).toBe('discord');
    expect(delivered.map((d) => d.sink)).toEqual(['discord']);
  });

  it('defaults to the first of slack, discord, telegram whose sales channel is set', async () => {
    const { config, delivered } = await runWith({
      SLACK_TOKEN: 't',
      TELEGRAM_TOKEN: 't',
      TELEGRAM_SALES_CHAT_ID: '-100',
      DISCORD_TOKEN: 't',
      DISCORD_SALES_CHANNEL_ID: '42',
    });
    expect(config.salesAlerts).toBe('discord');
    expect(delivered.map((d) => d.sink)).toEqual(['discord']);
  });

  it('skips a sales channel whose adapter is not enabled', () => {
    const { registry } = platforms();
    const { config } = configFor(registry, {
      SLACK_SALES_CHANNEL: 'C1',
      TELEGRAM_TOKEN: 't',
      TELEGRAM_SALES_CHAT_ID: '-100',
    });
    expect(config.salesAlerts).toBe('telegram');
  });

  it('refuses a platform without a sales channel, or whose adapter is off, in one line naming the fix', () => {
    const { registry } = platforms();
    const attempt = (env: Record<string, string>) => {
      try {
        configFor(registry, env);
      } catch (err) {
        return err;
      }
      throw new Error('expected a ConfigError');
    };
    const noChannel = attempt({ SLACK_TOKEN: 't', SALES_ALERTS: 'slack' }) as ConfigError;
    expect(noChannel).toBeInstanceOf(ConfigError);
    expect(noChannel.variable).toBe('SALES_ALERTS');
    expect(noChannel.userMessage).toContain('SLACK_SALES_CHANNEL is not set');
    expect(noChannel.userMessage).not.toContain('\n');
    const off = attempt({ DISCORD_SALES_CHANNEL_ID: '42', SALES_ALERTS: 'discord' }) as ConfigError;
    expect(off.userMessage).toContain('discord adapter is not enabled');
    expect((attempt({ SALES_ALERTS: 'email' }) as ConfigError).variable).toBe('SALES_ALERTS');
  });

  it('makes leadbot start exit 2 with one line when the chosen platform has no sales channel', async () => {
    const r = await runCli(['start'], { SALES_ALERTS: 'telegram', TELEGRAM_BOT_TOKEN: '123456:ABC-def' });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('SALES_ALERTS');
    expect(lines[0]).toContain('TELEGRAM_SALES_CHAT_ID');
  }, 60_000);
});
