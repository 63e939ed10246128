/**
 * Telegram adapter configuration, read once from the environment by the composition root.
 * Nothing below this file reads `process.env`.
 */
import type { ApiClientOptions } from 'grammy';
import { z } from 'zod';
import { LeadbotError } from '../../src/core/errors.ts';
import {
  OUTREACH_SUFFIXES,
  type OutreachSettings,
  parseOutreachSettings,
} from '../../src/core/outreach/settings.ts';

const optional = (schema: z.ZodType<string>) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

export const telegramConfigSchema = z
  .object({
    TELEGRAM_BOT_TOKEN: z
      .string()
      .trim()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, 'expected the token from @BotFather, like 123456:ABC-def'),
    TELEGRAM_API_ROOT: optional(
      z
        .string()
        .trim()
        .url('expected an absolute URL such as https://api.telegram.org')
        .transform((s) => s.replace(/\/+$/, '')),
    ),
    TELEGRAM_WEBHOOK_URL: optional(
      z.string().trim().url('expected the public https URL Telegram should call'),
    ),
    // Telegram allows 1-256 of these characters; anything under 32 is guessable enough to forge updates.
    TELEGRAM_WEBHOOK_SECRET: optional(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9_-]*$/, 'expected only the characters A-Z, a-z, 0-9, _ and -')
        .min(32, 'is shorter than 32 characters (make one with `openssl rand -hex 32`)')
        .max(256, 'is longer than the 256 characters Telegram accepts'),
    ),
    TELEGRAM_SALES_CHAT_ID: optional(
      z
        .string()
        .trim()
        .regex(/^-?\d+$/, 'expected a numeric chat id such as -1001234567890'),
    ),
    TELEGRAM_MANAGERS: optional(
      z
        .string()
        .trim()
        .regex(/^\d+(\s*,\s*\d+)*$/, 'expected comma-separated numeric user ids'),
    ),
    TELEGRAM_MANAGER_CHAT_ID: optional(
      z
        .string()
        .trim()
        .regex(/^-?\d+$/, 'expected the numeric id of the group whose administrators are managers'),
    ),
    // Read by parseOutreachSettings; listed here so misspellings are refused.
    TELEGRAM_INTENT_KEYWORDS: optional(z.string()),
    TELEGRAM_CONTACT_LIMIT: optional(z.string()),
    TELEGRAM_QUIET_HOURS: optional(z.string()),
    TELEGRAM_TIME_ZONE: optional(z.string()),
    TELEGRAM_PERSON_COOLDOWN: optional(z.string()),
    TELEGRAM_CHANNEL_COOLDOWN: optional(z.string()),
  })
  .superRefine((env, ctx) => {
    if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: 'required when TELEGRAM_WEBHOOK_URL is set, so forged webhook calls are refused',
      });
    }
  });

/** Every variable the Telegram section reads (others with the `TELEGRAM_` prefix are typos). */
export const TELEGRAM_VARIABLES = Object.keys(telegramConfigSchema.shape) as readonly string[];

export interface TelegramAdapterConfig {
  token: string;
  /** Bot API base without trailing slash; grammY's default when absent. */
  apiRoot?: string;
  /**
   * How updates arrive: long polling, the webhook route, or `direct` — only through the
   * adapter's `handleUpdate` (tests and benches feeding updates in process; never from the
   * environment).
   */
  mode: 'polling' | 'webhook' | 'direct';
  /**
   * Bot API calls go through this instead of grammY's own fetch (grammY's `client.fetch`
   * option): tests and benches answer them in process. Never from the environment.
   */
  fetch?: ApiClientOptions['fetch'];
  webhookUrl?: string;
  webhookSecret?: string;
  /** Chat that receives sales alerts (see alert-sink.ts). */
  salesChatId?: string;
  /** User ids allowed to run manager commands. */
  managers?: string[];
  /** Administrators of this group are managers too. */
  managerChatId?: string;
  /** Intent keywords, contact limits, quiet hours; defaults when absent. */
  outreach?: OutreachSettings;
}

/**
 * Reads the Telegram settings. Returns null when `TELEGRAM_BOT_TOKEN` is absent (adapter
 * disabled); throws `LeadbotError('CONFIG_INVALID')` naming the variable and the fix otherwise.
 */
export function parseTelegramConfig(env: Record<string, string | undefined>): TelegramAdapterConfig | null {
  if (!env.TELEGRAM_BOT_TOKEN?.trim()) return null;
  const parsed = telegramConfigSchema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${String(i.path[0] ?? 'telegram')}: ${i.message}`);
    throw new LeadbotError('CONFIG_INVALID', `Invalid Telegram configuration: ${details.join('; ')}`, {
      userMessage: `Fix these environment variables: ${details.join('; ')}`,
    });
  }
  const e = parsed.data;
  const config: TelegramAdapterConfig = {
    token: e.TELEGRAM_BOT_TOKEN,
    mode: e.TELEGRAM_WEBHOOK_URL ? 'webhook' : 'polling',
  };
  if (e.TELEGRAM_API_ROOT) config.apiRoot = e.TELEGRAM_API_ROOT;
  if (e.TELEGRAM_WEBHOOK_URL) config.webhookUrl = e.TELEGRAM_WEBHOOK_URL;
  if (e.TELEGRAM_WEBHOOK_SECRET) config.webhookSecret = e.TELEGRAM_WEBHOOK_SECRET;
  if (e.TELEGRAM_SALES_CHAT_ID) config.salesChatId = e.TELEGRAM_SALES_CHAT_ID;
  if (e.TELEGRAM_MANAGERS) config.managers = e.TELEGRAM_MANAGERS.split(',').map((s) => s.trim());
  if (e.TELEGRAM_MANAGER_CHAT_ID) config.managerChatId = e.TELEGRAM_MANAGER_CHAT_ID;
  if (OUTREACH_SUFFIXES.some((x) => env[`TELEGRAM_${x}`]?.trim()))
    config.outreach = parseOutreachSettings(env, 'TELEGRAM_');
  return config;
}
