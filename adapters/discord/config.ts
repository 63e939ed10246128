/**
 * Discord adapter configuration, read once from the environment by the composition root.
 * Nothing below this file reads `process.env`.
 */
import { z } from 'zod';
import { LeadbotError } from '../../src/core/errors.ts';
import {
  OUTREACH_SUFFIXES,
  type OutreachSettings,
  parseOutreachSettings,
} from '../../src/core/outreach/settings.ts';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const snowflake = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{15,21}$/, `expected the numeric ${what} (Developer Mode → right click → Copy ID)`);

/** Every variable the Discord adapter reads (also used to refuse misspelt `DISCORD_*` variables). */
export const DISCORD_VARIABLES = [
  'DISCORD_TOKEN',
  'DISCORD_APPLICATION_ID',
  'DISCORD_GUILD_ID',
  'DISCORD_API_URL',
  'DISCORD_MESSAGE_CONTENT',
  'DISCORD_SALES_CHANNEL_ID',
  'DISCORD_MANAGER_ROLE_ID',
  ...OUTREACH_SUFFIXES.map((x) => `DISCORD_${x}` as const),
] as const;

export const discordConfigSchema = z.object({
  DISCORD_TOKEN: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{20,}$/, 'expected the bot token from the Developer Portal (Bot → Reset Token)'),
  // Absent is reported like malformed: one message saying where to copy the id from.
  DISCORD_APPLICATION_ID: z.preprocess((v) => v ?? '', snowflake('application id')),
  DISCORD_GUILD_ID: optional(snowflake('server (guild) id')),
  DISCORD_API_URL: optional(
    z
      .string()
      .trim()
      .url('expected an absolute URL such as https://discord.com/api')
      .transform((s) => s.replace(/\/+$/, '')),
  ),
  DISCORD_MESSAGE_CONTENT: optional(
    z.enum(['true', 'false'], { message: 'expected true or false' }).transform((v) => v === 'true'),
  ),
  DISCORD_SALES_CHANNEL_ID: optional(snowflake('sales channel id')),
  DISCORD_MANAGER_ROLE_ID: optional(snowflake('manager role id (Server Settings → Roles)')),
});

export interface DiscordAdapterConfig {
  token: string;
  applicationId: string;
  /** When set, slash commands are registered in this server only (instant, good for testing). */
  guildId?: string;
  /** REST base without trailing slash (`https://discord.com/api`); discord.js's default when absent. */
  apiUrl?: string;
  /** Request the privileged Message Content intent (not needed for DMs, mentions, commands, buttons). */
  messageContent: boolean;
  /** Channel that receives sales alerts (see alert-sink.ts). */
  salesChannelId?: string;
  /** Members with this role run `/leadbot` manager commands (besides those with Manage Server). */
  managerRoleId?: string;
  /** Intent keywords, contact limits, quiet hours (`DISCORD_QUIET_HOURS`, …); defaults when absent. */
  outreach?: OutreachSettings;
}

/**
 * Reads the Discord settings. Returns null when `DISCORD_TOKEN` is absent (adapter disabled);
 * throws `LeadbotError('CONFIG_INVALID')` naming each bad variable and the fix otherwise.
 */
export function parseDiscordConfig(env: Record<string, string | undefined>): DiscordAdapterConfig | null {
  if (!env.DISCORD_TOKEN?.trim()) return null;
  const parsed = discordConfigSchema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${String(i.path[0] ?? 'discord')}: ${i.message}`);
    throw new LeadbotError('CONFIG_INVALID', `Invalid Discord configuration: ${details.join('; ')}`, {
      userMessage: `Fix these environment variables: ${details.join('; ')}`,
    });
  }
  const e = parsed.data;
  const config: DiscordAdapterConfig = {
    token: e.DISCORD_TOKEN,
    applicationId: e.DISCORD_APPLICATION_ID,
    messageContent: e.DISCORD_MESSAGE_CONTENT ?? false,
  };
  if (e.DISCORD_GUILD_ID) config.guildId = e.DISCORD_GUILD_ID;
  if (e.DISCORD_API_URL) config.apiUrl = e.DISCORD_API_URL;
  if (e.DISCORD_SALES_CHANNEL_ID) config.salesChannelId = e.DISCORD_SALES_CHANNEL_ID;
  if (e.DISCORD_MANAGER_ROLE_ID) config.managerRoleId = e.DISCORD_MANAGER_ROLE_ID;
  if (OUTREACH_SUFFIXES.some((x) => env[`DISCORD_${x}`]?.trim()))
    config.outreach = parseOutreachSettings(env, 'DISCORD_');
  return config;
}
