/**
 * What every CLI command receives: the configuration and the logger, both built lazily so
 * `--help` works without a valid environment and a command that needs neither never fails
 * on them.
 */
import { existsSync } from 'node:fs';
import pino from 'pino';
import type { LeadStore } from '../core/ports/index.ts';
import { adapterSections } from './adapters.ts';
import { type AppConfig, type Env, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';

export interface CliContext {
  /** The validated configuration (read once). @throws ConfigError */
  config(): AppConfig;
  /** The root logger at the configured level, writing JSON lines to stdout. */
  logger(): pino.Logger;
  /** Set once `logger()` was built, so failures can be logged through it. */
  readonly loggerIfCreated: pino.Logger | undefined;
  /**
   * The raw environment (`.env` merged in as `config()` merges it), for commands that need a
   * few variables without a whole valid configuration (`leadbot setup`).
   */
  env(): Env;
}

/** Builds the context over an environment (the real one by default, `.env` merged in). */
export function createCliContext(env: Env = process.env): CliContext {
  let config: AppConfig | undefined;
  let logger: pino.Logger | undefined;
  const ctx: CliContext = {
    config() {
      config ??= loadConfig(env, { sections: adapterSections() });
      return config;
    },
    logger() {
      logger ??= createLogger({ level: ctx.config().logLevel });
      return logger;
    },
    get loggerIfCreated() {
      return logger;
    },
    env() {
      if (env === process.env && existsSync('.env')) process.loadEnvFile('.env');
      return env;
    },
  };
  return ctx;
}

/**
 * Opens the configured store for one CLI command and closes it afterwards. Store logs go to
 * stderr at warn level, so stdout stays the command's own output (tables, JSON, CSV).
 * A command that reads creates nothing: a missing SQLite file or an unmigrated database is
 * one line (`NOT_MIGRATED`, `STORE_UNAVAILABLE`) before any client opens it.
 */
export async function withStore<T>(ctx: CliContext, fn: (store: LeadStore) => Promise<T>): Promise<T> {
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const { databaseUrl } = ctx.config();
  const [{ openStore }, { ensureMigrated }] = await Promise.all([
    import('../store/open-store.ts'),
    import('../store/migration-status.ts'),
  ]);
  await ensureMigrated(databaseUrl);
  const store = await openStore(databaseUrl, { logger });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
