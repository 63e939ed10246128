/**
 * The one place that reads the environment. Everything below the composition root receives
 * plain values from here; nothing else reads `process.env`.
 *
 * Variables are declared once in {@link VARIABLES} (name, zod schema, default, how to fix a
 * bad value); the README's configuration table is checked against that list by a test.
 * Adapters contribute their own sections ({@link ConfigSection}), registered in
 * `src/app/adapters.ts`.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { LeadbotError } from '../core/errors.ts';

export type Env = Record<string, string | undefined>;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Variables under this prefix are reserved for leadbot. Any other than those below is a typo or a
 * leftover from another version: refusing it beats silently ignoring it.
 */
export const RESERVED_PREFIX = 'LEADBOT_';
/** Read by `bin/leadbot.js` before any configuration (`1`: run the sources through tsx, not dist/). */
export const LAUNCHER_VARIABLES = ['LEADBOT_FROM_SOURCE'];

/** An invalid or missing setting. `userMessage` is one line: what is wrong — how to fix it. */
export class ConfigError extends LeadbotError {
  readonly variable: string;

  /** `value` is shown as given, so pass it through {@link maskValue} first. */
  constructor(variable: string, problem: string, fix: string, value?: string) {
    const head = value === undefined ? variable : `${variable}=${quote(value)}`;
    super('CONFIG_INVALID', `${head} ${problem}`, { userMessage: `${head} ${problem} — ${fix}` });
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/**
 * A block of settings owned by one adapter (`adapters/<p>/config.ts`). `parse` returns null
 * when the adapter is not configured (its token is absent) and throws a CONFIG_INVALID
 * `LeadbotError` naming the variable when a value is wrong.
 */
export interface ConfigSection<C = unknown> {
  readonly name: string;
  /**
   * The variables the section reads. When given together with `prefix`, any other variable
   * with that prefix is refused as a probable typo (`TELEGRAM_BOT_TOKN`).
   */
  readonly variables?: readonly string[];
  readonly prefix?: string;
  parse(env: Env): C | null;
}

interface Variable {
  schema: z.ZodType;
  default: string;
  description: string;
  fix: string;
}

/** A rate limit as configured: `off`, or at most `points` requests per `seconds` (`120/1m`). */
export type RateLimit = { points: number; seconds: number } | null;

const LIMIT_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** `<count>/<duration>` (`120/1m`, `10/15m`, `5/30s`, `100/1h`) or `off`. */
const rateLimit = z
  .string()
  .regex(/^(off|[1-9]\d{0,5}\/[1-9]\d{0,4}[smh])$/, 'is not a count/duration such as 120/1m, or off')
  .transform((text): RateLimit => {
    if (text === 'off') return null;
    const [points, period] = text.split('/') as [string, string];
    return { points: Number(points), seconds: Number(period.slice(0, -1)) * LIMIT_UNITS[period.slice(-1)]! };
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

export interface AppConfig {
  databaseUrl: string;
  logLevel: LogLevel;
  port: number;
  host: string;
  flowsDir: string;
  defaultFlow: string;
  conversationIdleMinutes: number;
  /** Outbound webhooks; no URL means none are sent. */
  webhooks: { urls: string[]; secret: string; format: 'leadbot' | 'hubspot' };
  /** One entry per registered section: its parsed config, or null when not configured. */
  adapters: Record<string, unknown>;
  /** The platform whose sink delivers sales alerts; null when none has a sales channel. */
  salesAlerts: SalesAlertPlatform | null;
  /** Reverse proxies whose `X-Forwarded-For` entries are trusted (0: none). */
  trustProxy: number;
  /** Request budgets of anonymous clients (src/app/rate-limits.ts); null is off. */
  rateLimits: { chatIp: RateLimit; chatVisitor: RateLimit; login: RateLimit };
  /** The durable inbox of inbound events (src/core/inbox/). */
  inbox: { retentionDays: number; leaseSeconds: number; testDelayMs: number };
}

export interface LoadConfigOptions {
  /** Adapter sections to parse; `src/app/adapters.ts` passes its registry. */
  sections?: readonly ConfigSection[];
  /**
   * A dotenv file merged into `process.env` (never overriding a real variable) when `env` is
   * `process.env` and the file exists. null disables it.
   */
  envFile?: string | null;
}

/**
 * Reads and validates the whole configuration once.
 * @throws ConfigError naming the first bad variable, its (masked) value and the fix.
 */
export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): AppConfig {
  const envFile = options.envFile === undefined ? '.env' : options.envFile;
  if (env === process.env && envFile !== null && existsSync(envFile)) process.loadEnvFile(envFile);
  const sections = options.sections ?? [];
  guardUnknownVariables(env, sections);

  const values: Record<string, unknown> = {};
  for (const [name, variable] of Object.entries(VARIABLES) as [VariableName, Variable][]) {
    const raw = env[name];
    const input = raw === undefined || raw.trim() === '' ? variable.default : raw.trim();
    const parsed = variable.schema.safeParse(input);
    if (!parsed.success) {
      const problem = parsed.error.issues[0]?.message ?? 'is invalid';
      throw new ConfigError(name, `is invalid (${problem})`, variable.fix, maskValue(name, input));
    }
    values[name] = parsed.data;
  }

  if ((values.WEBHOOK_URLS as string[]).length > 0 && (values.WEBHOOK_SECRET as string).length < 16) {
    throw new ConfigError(
      'WEBHOOK_SECRET',
      'is missing or shorter than 16 characters while WEBHOOK_URLS is set',
      VARIABLES.WEBHOOK_SECRET.fix,
    );
  }

  const adapters: Record<string, unknown> = {};
  for (const section of sections) adapters[section.name] = section.parse(env);
  const salesAlerts = resolveSalesAlerts(env, values.SALES_ALERTS as SalesAlertPlatform | '', adapters);

  return {
    databaseUrl: values.DATABASE_URL as string,
    logLevel: values.LOG_LEVEL as LogLevel,
    port: values.PORT as number,
    host: values.HOST as string,
    flowsDir: values.FLOWS_DIR as string,
    defaultFlow: values.DEFAULT_FLOW as string,
    conversationIdleMinutes: values.CONVERSATION_IDLE_MINUTES as number,
    webhooks: {
      urls: values.WEBHOOK_URLS as string[],
      secret: values.WEBHOOK_SECRET as string,
      format: values.WEBHOOK_FORMAT as 'leadbot' | 'hubspot',
    },
    adapters,
    salesAlerts,
    trustProxy: values.TRUST_PROXY as number,
    rateLimits: {
      chatIp: values.RATE_LIMIT_CHAT_IP as RateLimit,
      chatVisitor: values.RATE_LIMIT_CHAT_VISITOR as RateLimit,
      login: values.RATE_LIMIT_LOGIN as RateLimit,
    },
    inbox: {
      retentionDays: values.EVENT_RETENTION_DAYS as number,
      leaseSeconds: values.INBOX_LEASE_SECONDS as number,
      testDelayMs: values.INBOX_TEST_DELAY_MS as number,
    },
  };
}

/**
 * `SALES_ALERTS`, or the first platform whose sales channel variable is set. A platform only
 * counts when its adapter is enabled (a parsed section of null means its token is absent).
 * @throws ConfigError when the chosen platform has no sales channel or is not enabled.
 */
function resolveSalesAlerts(
  env: Env,
  chosen: SalesAlertPlatform | '',
  adapters: Record<string, unknown>,
): SalesAlertPlatform | null {
  const usable = (p: SalesAlertPlatform) =>
    (env[SALES_CHANNEL_VARIABLES[p]] ?? '').trim() !== '' && adapters[p] !== null;
  if (chosen === '') return SALES_ALERT_PLATFORMS.find(usable) ?? null;
  if (!usable(chosen)) {
    const variable = SALES_CHANNEL_VARIABLES[chosen];
    const problem =
      (env[variable] ?? '').trim() === ''
        ? `names ${chosen}, but ${variable} is not set`
        : `names ${chosen}, but the ${chosen} adapter is not enabled (its token is missing)`;
    throw new ConfigError(
      'SALES_ALERTS',
      problem,
      `set ${variable} and the ${chosen} token, or choose another of ${SALES_ALERT_PLATFORMS.join(', ')}`,
      chosen,
    );
  }
  return chosen;
}

function guardUnknownVariables(env: Env, sections: readonly ConfigSection[]): void {
  const guards: { prefix: string; known: string[] }[] = [
    { prefix: RESERVED_PREFIX, known: [...LAUNCHER_VARIABLES] },
  ];
  for (const s of sections) {
    if (s.prefix && s.variables) guards.push({ prefix: s.prefix, known: [...s.variables] });
  }
  const everyKnown = [...Object.keys(VARIABLES), ...sections.flatMap((s) => s.variables ?? [])];
  for (const name of Object.keys(env).sort()) {
    const guard = guards.find((g) => name.startsWith(g.prefix));
    if (!guard || guard.known.includes(name) || env[name] === undefined) continue;
    const near = closest(name, guard.prefix === RESERVED_PREFIX ? everyKnown : guard.known);
    const hint = near ? `did you mean ${near}? ` : '';
    throw new ConfigError(
      name,
      'is not a leadbot setting',
      `${hint}remove it or fix its name (variables are listed in README.md#configuration)`,
    );
  }
}

/** Secrets never reach a terminal or a log: tokens are reduced to their first characters. */
export function maskValue(name: string, value: string): string {
  if (/TOKEN|SECRET|PASSWORD|KEY/i.test(name)) return value.length <= 4 ? '****' : `${value.slice(0, 4)}****`;
  return maskUrlPassword(value);
}

/** `postgresql://u:pw@h/db` → `postgresql://u:****@h/db`. */
export function maskUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/i, '$1:****@');
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

/** The known name a typo most likely meant (ignoring the prefix), if one is close enough. */
function closest(name: string, known: readonly string[]): string | undefined {
  const bare = name.replace(RESERVED_PREFIX, '');
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(bare, k);
    if (d <= Math.max(1, Math.floor(k.length / 4)) && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
