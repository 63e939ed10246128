/**
 * `leadbot migrate`: applies pending database migrations and exits. `leadbot start` does the
 * same on its way up unless told `--no-migrate`; this command is for deployments that
 * migrate in a separate step (one job before several instances start).
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { maskUrlPassword } from '../config.ts';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('migrate')
    .description('apply pending database migrations to DATABASE_URL, then exit')
    .action(async () => {
      const config = ctx.config();
      const logger = ctx.logger();
      const { migrateDatabase } = await import('../../store/migrate.ts');
      const { applied } = await migrateDatabase(config.databaseUrl, { logger });
      logger.info(
        { database: maskUrlPassword(config.databaseUrl), applied },
        applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date',
      );
    });
}
