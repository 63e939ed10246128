/**
 * The one place that reads the environment. Everything below the composition root receives
 * plain values from here; nothing else reads `process.env`.
 *
 * Variables are declared once in {@link VARIABLES} (config-variables.ts: name, zod schema,
 * default, how to fix a bad value); the README's configuration table is checked against that
 * list by a test. Unknown variables, one-line errors and masking live in config-guards.ts.
 * Adapters contribute their own sections ({@link ConfigSection}), registered in
 * `src/app/adapters.ts`.
 */
import { existsSync } from 'node:fs';
import { ConfigError, guardUnknownVariables, maskValue } from './config-guards.ts';
import {
  type LogLevel,
  type RateLimit,
  SALES_ALERT_PLATFORMS,
  SALES_CHANNEL_VARIABLES,
  type SalesAlertPlatform,
  VARIABLES,
  type VariableName,
} from './config-variables.ts';

export { ConfigError, maskUrlPassword, maskValue, RESERVED_PREFIX } from './config-guards.ts';
export {
  LOG_LEVELS,
  type LogLevel,
  type RateLimit,
  SALES_ALERT_PLATFORMS,
  SALES_CHANNEL_VARIABLES,
  type SalesAlertPlatform,
  VARIABLES,
  type VariableName,
} from './config-variables.ts';

export type Env = Record<string, string | undefined>;

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

type Variable = (typeof VARIABLES)[VariableName];

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
  /** Who may talk to a prospect from the alert's thread (src/core/handoff/relay-rep-message.ts). */
  handoffRepliers: 'owner' | 'channel';
  /** ALERT_ESCALATE_AFTER in milliseconds; null when reminders of unclaimed alerts are off. */
  alertEscalateAfterMs: number | null;
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
    handoffRepliers: values.HANDOFF_REPLIERS as 'owner' | 'channel',
    alertEscalateAfterMs: values.ALERT_ESCALATE_AFTER as number | null,
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
