/**
 * Every core variable of the environment, declared once: name, zod schema, default, what it
 * means (the README's configuration table is checked against this list by a test) and how to
 * fix a bad value. Read by `loadConfig` (config.ts).
 */
import { z } from 'zod';
import { durationMs } from '../core/duration.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

interface Variable {
  schema: z.ZodType;
  default: string;
  description: string;
  fix: string;
}

/** A rate limit as configured: `off`, or at most `points` requests per `seconds` (`120/1m`). */
export type RateLimit = { points: number; seconds: number } | null;

/** `<count>/<duration>` (`120/1m`, `10/15m`, `5/30s`, `100/1h`) or `off`. */
const rateLimit = z
  .string()
  .regex(/^(off|[1-9]\d{0,5}\/[1-9]\d{0,4}[smh])$/, 'is not a count/duration such as 120/1m, or off')
  .transform((text): RateLimit => {
    if (text === 'off') return null;
    const [points, period] = text.split('/') as [string, string];
    return { points: Number(points), seconds: durationMs(period, ['s', 'm', 'h'])! / 1000 };
  })
  .refine((limit) => limit === null || limit.seconds <= 86_400, 'is longer than a day');

/** Every core variable: the single source for the schema, the defaults and the README table. */
export const VARIABLES = {
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^(file:.+|postgres(ql)?:\/\/.+)$/, 'is not a SQLite file: URL or a PostgreSQL URL'),
    default: 'file:./data/leadbot.db',
    description: 'Where leads are stored: `file:<path>` (embedded SQLite) or `postgresql://user@host/db`.',
    fix: 'use file:./data/leadbot.db (SQLite) or postgresql://user:password@host:5432/leadbot',
  },
  LOG_LEVEL: {
    schema: z.enum(LOG_LEVELS),
    default: 'info',
    description: `Log verbosity: ${LOG_LEVELS.join(', ')}.`,
    fix: `use one of ${LOG_LEVELS.join(', ')}`,
  },
  PORT: {
    schema: z.coerce.number().int().min(0).max(65535),
    default: '3000',
    description: 'HTTP port for webhooks and `/healthz` (0 picks a free port).',
    fix: 'use a whole number from 0 to 65535',
  },
  HOST: {
    schema: z.string().min(1),
    default: '127.0.0.1',
    description:
      'Interface the HTTP server listens on. Loopback by default so a laptop run exposes nothing; the Docker image sets `0.0.0.0`.',
    fix: 'use an address such as 127.0.0.1 or 0.0.0.0',
  },
  FLOWS_DIR: {
    schema: z.string().min(1),
    default: 'flows',
    description: 'Folder holding the qualification flows (YAML or JSON).',
    fix: 'point it at a folder of flow files, e.g. flows',
  },
  DEFAULT_FLOW: {
    schema: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'is not a flow id'),
    default: 'default',
    description: 'Id of the flow a new conversation starts with.',
    fix: 'use the id of a flow in FLOWS_DIR, e.g. default',
  },
  CONVERSATION_IDLE_MINUTES: {
    schema: z.coerce.number().int().min(1),
    default: '1440',
    description:
      'Minutes without activity after which a conversation is marked abandoned (it can be resumed).',
    fix: 'use a whole number of minutes, at least 1',
  },
  WEBHOOK_URLS: {
    schema: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((u) => u.trim())
          .filter((u) => u !== ''),
      )
      .pipe(z.array(z.url({ protocol: /^https?$/, error: 'holds a URL that is not http(s)' }))),
    default: '',
    description:
      'Comma-separated URLs that receive signed lead events (created, stage changed, claimed, disqualified, forgotten); see docs/webhooks.md.',
    fix: 'use full URLs separated by commas, e.g. https://crm.example.com/hooks/leadbot',
  },
  WEBHOOK_SECRET: {
    schema: z.string(),
    default: '',
    description:
      'Shared secret for the `X-Leadbot-Signature` HMAC-SHA256 header; required (16+ characters) when `WEBHOOK_URLS` is set.',
    fix: 'set a random string of at least 16 characters, e.g. from openssl rand -hex 32',
  },
  WEBHOOK_FORMAT: {
    schema: z.enum(['leadbot', 'hubspot']),
    default: 'leadbot',
    description:
      'Webhook body: `leadbot` (the event as documented) or `hubspot` (HubSpot contact properties).',
    fix: 'use leadbot or hubspot',
  },
  TRUST_PROXY: {
    schema: z.coerce.number().int().min(0).max(10),
    default: '0',
    description:
      "How many reverse proxies in front of leadbot append to `X-Forwarded-For`. `0`: the client is the connection's address and the header is ignored (leadbot faces the internet); `1`: the address your one proxy saw (the header's last entry); `2`: two proxies, and so on. Entries further left can be forged by the client and are never used. Rate limits count per client address.",
    fix: 'use the number of proxies in front of leadbot (0 when none), at most 10',
  },
  RATE_LIMIT_CHAT_IP: {
    schema: rateLimit,
    default: '120/1m',
    description:
      'Web chat requests per client address (`count/duration`, units s, m, h; or `off`). Over it: 429 with `Retry-After`, and the widget asks to wait. See [Rate limits](#rate-limits).',
    fix: 'use count/duration such as 120/1m (units s, m, h), or off',
  },
  RATE_LIMIT_CHAT_VISITOR: {
    schema: rateLimit,
    default: '30/1m',
    description: "Web chat requests per visitor (the widget's visitor id), same form.",
    fix: 'use count/duration such as 30/1m (units s, m, h), or off',
  },
  RATE_LIMIT_LOGIN: {
    schema: rateLimit,
    default: '10/15m',
    description:
      'Failed dashboard logins and wrong `Authorization: Bearer` tokens per client address, same form. Over it every attempt from that address is refused (429) until the period ends.',
    fix: 'use count/duration such as 10/15m (units s, m, h), or off',
  },
  SALES_ALERTS: {
    schema: z.enum(['', 'slack', 'discord', 'telegram']),
    default: '',
    description:
      'Where sales alerts go: `slack`, `discord` or `telegram`. Empty: the first of slack, discord, telegram whose sales channel variable is set.',
    fix: 'use slack, discord or telegram (and set that platform’s sales channel variable), or leave it empty',
  },
  HANDOFF_REPLIERS: {
    schema: z.enum(['owner', 'channel']),
    default: 'owner',
    description:
      "Who may talk to a prospect by replying in the alert's thread: `owner` (the rep who claimed the lead) or `channel` (anyone in the sales channel).",
    fix: 'use owner or channel',
  },
  ALERT_ESCALATE_AFTER: {
    schema: z
      .string()
      .refine(
        (s) => s === '0' || s === 'off' || durationMs(s, ['s', 'm', 'h']) !== null,
        'is not a duration such as 10m (units s, m, h), or 0/off',
      )
      .transform((s) => (s === '0' || s === 'off' ? null : durationMs(s, ['s', 'm', 'h'])!)),
    default: '10m',
    description:
      'How long a sales alert may wait unclaimed before a reminder is posted in its thread naming the next rep of the rotation (`SLACK_SALES_REPS`); a second follows at twice as long, naming `SLACK_SALES_ESCALATE_TO` (else the next rep); never a third. Units `s`, `m`, `h`; `0` or `off` disables.',
    fix: 'use a duration such as 10m or 1h (units s, m, h), or 0/off to disable reminders',
  },
  EVENT_RETENTION_DAYS: {
    schema: z.coerce.number().int().min(1).max(3650),
    default: '7',
    description:
      'Days processed inbound events (inbox rows) and their de-duplication records are kept before they are pruned; keep it longer than any platform redelivers (Slack retries for minutes, Telegram keeps an undelivered update for 24 hours).',
    fix: 'use a whole number of days, at least 1',
  },
  INBOX_LEASE_SECONDS: {
    schema: z.coerce.number().int().min(1).max(3600),
    default: '30',
    description:
      'Seconds an instance holds an inbound event it received or claimed; an event left by an instance that died is processed by another one (or by the restarted one) after this ([docs/scaling.md](docs/scaling.md)).',
    fix: 'use a whole number of seconds from 1 to 3600',
  },
  INBOX_TEST_DELAY_MS: {
    schema: z.coerce.number().int().min(0).max(600_000),
    default: '0',
    description:
      'Test hook: milliseconds between storing an inbound event (and answering the platform) and processing it, so fault tests can kill the process in between. Keep 0.',
    fix: 'leave it unset outside tests (0)',
  },
} as const satisfies Record<string, Variable>;

/** The platforms that can receive sales alerts, in the order `SALES_ALERTS` picks by default. */
export const SALES_ALERT_PLATFORMS = ['slack', 'discord', 'telegram'] as const;
export type SalesAlertPlatform = (typeof SALES_ALERT_PLATFORMS)[number];

/** The variable naming each platform's sales channel (read by its adapter's config). */
export const SALES_CHANNEL_VARIABLES: Record<SalesAlertPlatform, string> = {
  slack: 'SLACK_SALES_CHANNEL',
  discord: 'DISCORD_SALES_CHANNEL_ID',
  telegram: 'TELEGRAM_SALES_CHAT_ID',
};

export type VariableName = keyof typeof VARIABLES;
