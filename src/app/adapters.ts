/**
 * The chat adapters `leadbot start` knows about. Adding a platform is one entry in
 * {@link ADAPTERS}: its name (the `Platform` its events carry; the core takes any registered
 * name as data), its config section (parsed with the rest of the configuration, so a bad value
 * fails at start with one clear line) and its factory.
 */
// Only the config modules load up front (zod, no SDK); each SDK is imported when its platform
// is enabled, so `leadbot --help`, a config error or `leadbot chat` do not pay for four SDKs.
import { DISCORD_VARIABLES, parseDiscordConfig } from '../../adapters/discord/config.ts';
import { discordTools } from '../../adapters/discord/tools.ts';
import type { AdapterDeps } from '../../adapters/shared/types.ts';
import { parseSlackConfig, SLACK_VARIABLES } from '../../adapters/slack/config.ts';
import { slackTools } from '../../adapters/slack/tools.ts';
import { parseTelegramConfig, TELEGRAM_VARIABLES } from '../../adapters/telegram/config.ts';
import { TELEGRAM_SEND_LIMITS, telegramDoctor, telegramSetup } from '../../adapters/telegram/tools.ts';
import { parseWebConfig, WEB_VARIABLES } from '../../adapters/web/config.ts';
import type { ChatAdapter } from '../core/ports/index.ts';
import { LLM_VARIABLES, parseLlmConfig } from '../llm/config.ts';
import type { AppConfig, ConfigSection, Env } from './config.ts';
import { emailSection } from './email-wiring.ts';
import { httpSection } from './ops/http-limits.ts';
import type { PlatformTools } from './platform-tools.ts';
import { dashboardSection } from './web/config.ts';

export interface AdapterEntry<C = unknown> extends PlatformTools<C> {
  /** The platform's name: what its events carry as `platform`, and the key of its section in `AppConfig.adapters`. */
  readonly name: string;
  readonly section: ConfigSection<C>;
  create(config: C, deps: AdapterDeps): ChatAdapter | Promise<ChatAdapter>;
}

/** A platform name: a lowercase word (it is part of `<platform>:<workspace>:<user>` keys). */
const PLATFORM_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Builds a registry entry. `parse` is the adapter's `parse<P>Config(env)` (null = not
 * configured); `variables` + `prefix` let the config refuse misspelt variables of that adapter.
 * @throws Error for a name that is not a lowercase word (a programming error, caught at load).
 */
export function defineAdapter<C>(
  entry: {
    name: string;
    parse: (env: Env) => C | null;
    create: (config: C, deps: AdapterDeps) => ChatAdapter | Promise<ChatAdapter>;
    prefix?: string;
    variables?: readonly string[];
  } & PlatformTools<C>,
): AdapterEntry<C> {
  if (!PLATFORM_NAME.test(entry.name) || entry.name === 'console')
    throw new Error(
      `adapter name ${JSON.stringify(entry.name)} must be a lowercase word other than console (the terminal chat)`,
    );
  const section: ConfigSection<C> = { name: entry.name, parse: entry.parse };
  if (entry.prefix !== undefined) Object.assign(section, { prefix: entry.prefix });
  if (entry.variables !== undefined) Object.assign(section, { variables: entry.variables });
  const { name, create, sendLimits, setup, doctor } = entry;
  return {
    name,
    section,
    create,
    ...(sendLimits ? { sendLimits } : {}),
    ...(setup ? { setup } : {}),
    ...(doctor ? { doctor } : {}),
  };
}

/** One entry per platform: its config parser from `config.ts`, its factory imported on demand. */
// biome-ignore lint/suspicious/noExplicitAny: entries differ in their config type; each is checked by defineAdapter.
export const ADAPTERS: AdapterEntry<any>[] = [
  defineAdapter({
    name: 'telegram',
    parse: parseTelegramConfig,
    create: async (config, deps) =>
      (await import('../../adapters/telegram/index.ts')).createTelegramAdapter(config, deps),
    prefix: 'TELEGRAM_',
    variables: TELEGRAM_VARIABLES,
    sendLimits: TELEGRAM_SEND_LIMITS,
    setup: telegramSetup,
    doctor: telegramDoctor,
  }),
  defineAdapter({
    name: 'slack',
    parse: parseSlackConfig,
    create: async (config, deps) =>
      (await import('../../adapters/slack/index.ts')).createSlackAdapter(config, deps),
    prefix: 'SLACK_',
    variables: SLACK_VARIABLES,
    ...slackTools,
  }),
  defineAdapter({
    name: 'discord',
    parse: parseDiscordConfig,
    create: async (config, deps) =>
      (await import('../../adapters/discord/index.ts')).createDiscordAdapter(config, deps),
    prefix: 'DISCORD_',
    variables: DISCORD_VARIABLES,
    ...discordTools,
  }),
  // On unless WEB_CHAT=off: the zero-setup channel (no token needed).
  defineAdapter({
    name: 'web',
    parse: parseWebConfig,
    create: async (config, deps) =>
      (await import('../../adapters/web/index.ts')).createWebAdapter(config, deps),
    prefix: 'WEB_',
    variables: WEB_VARIABLES,
  }),
];

/** Sections of the app itself that are no adapter (read into `AppConfig.adapters` too). */
export const APP_SECTIONS: readonly ConfigSection[] = [
  dashboardSection,
  httpSection,
  { name: 'llm', prefix: 'LLM_', variables: LLM_VARIABLES, parse: parseLlmConfig },
  emailSection,
];

/**
 * The config sections of every registered adapter (plus {@link APP_SECTIONS}), for `loadConfig`.
 * @throws Error when two entries register one name (their events could not be told apart).
 */
export function adapterSections(registry: readonly AdapterEntry[] = ADAPTERS): ConfigSection[] {
  const names = [...registry.map((a) => a.name), ...APP_SECTIONS.map((s) => s.name)];
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`two entries of the adapter registry are named ${twice}`);
  return [...registry.map((a) => a.section), ...APP_SECTIONS];
}

/** The entries whose section parsed to a config (their token is set). */
export function enabledAdapters(
  config: AppConfig,
  registry: readonly AdapterEntry[] = ADAPTERS,
): { entry: AdapterEntry; config: unknown }[] {
  return registry
    .filter((a) => config.adapters[a.name] != null)
    .map((entry) => ({ entry, config: config.adapters[entry.name] }));
}
