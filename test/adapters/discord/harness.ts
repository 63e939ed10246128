/**
 * Starts the real Discord adapter (discord.js Client) against the loopback fake, for the
 * end-to-end tests. Each call gets a fresh fake unless one is passed (to restart the bot on
 * the same "Discord").
 */

import type { DiscordAdapterConfig } from '../../../adapters/discord/config.ts';
import { createDiscordAdapter, type DiscordAdapter } from '../../../adapters/discord/index.ts';
import type { AdapterDeps } from '../../../adapters/shared/types.ts';
import type { InboundHandler, Logger } from '../../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../../src/core/webhooks/lead-events.ts';
import { type FakeDiscord, IDS, startFakeDiscord } from '../../fakes/discord-api.ts';

export interface LogLine {
  level: string;
  obj: object;
  msg?: string;
}

/** A logger that keeps its lines, so tests can read what the bot said it can or cannot do. */
export function memoryLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  const logger = {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };
  return logger;
}

export interface Running {
  fake: FakeDiscord;
  adapter: DiscordAdapter;
  logger: ReturnType<typeof memoryLogger>;
  stop(): Promise<void>;
}

export function testConfig(
  fake: FakeDiscord,
  extra: Partial<DiscordAdapterConfig> = {},
): DiscordAdapterConfig {
  return {
    token: 'fake-bot-token-abcdefghijklmnopqrstuvwxyz',
    applicationId: IDS.application,
    apiUrl: fake.apiUrl,
    messageContent: false,
    ...extra,
  };
}

/** Starts the adapter with `handler`; `stop()` stops it and (unless shared) the fake. */
export async function startDiscord(
  handler: InboundHandler,
  opts: {
    fake?: FakeDiscord;
    config?: Partial<DiscordAdapterConfig>;
    /** Store, outreach store, clock: enable manager commands and outreach. */
    deps?: Omit<AdapterDeps, 'logger'>;
  } = {},
): Promise<Running> {
  const fake = opts.fake ?? (await startFakeDiscord());
  const logger = memoryLogger();
  const adapter = createDiscordAdapter(testConfig(fake, opts.config), {
    leadEvents: NO_LEAD_EVENTS,
    ...opts.deps,
    logger,
  });
  await adapter.start(handler);
  return {
    fake,
    adapter,
    logger,
    async stop() {
      await adapter.stop();
      if (!opts.fake) await fake.close();
    },
  };
}
