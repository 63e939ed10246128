/**
 * `leadbot doctor`: checks a configuration against what it points at — the database (reachable,
 * migrated) and each enabled platform's live API (its registry entry's `doctor`: token, scopes
 * or permissions, sales channel membership, webhook) — and prints one table, each problem with
 * its fix. Exit 1 when something is wrong.
 */
import type { Command } from 'commander';
import { enabledAdapters } from '../adapters.ts';
import type { CliContext } from '../cli-context.ts';
import { maskUrlPassword } from '../config.ts';
import { createLogger } from '../logger.ts';
import type { DoctorCheck } from '../platform-tools.ts';

/** How long one platform's checks may take before they count as failed. */
const PLATFORM_DEADLINE_MS = 20_000;

/** The table as lines: a mark, the check, what was found, and the fix under a failed one. */
export function renderChecks(checks: readonly DoctorCheck[]): string[] {
  const width = Math.max(...checks.map((c) => c.check.length), 5);
  return checks.flatMap((c) => [
    `${c.ok ? 'ok  ' : 'FAIL'}  ${c.check.padEnd(width)}  ${c.detail}`,
    ...(c.ok || !c.fix ? [] : [`      ${' '.repeat(width)}  fix: ${c.fix}`]),
  ]);
}

async function databaseChecks(databaseUrl: string): Promise<DoctorCheck[]> {
  const where = maskUrlPassword(databaseUrl);
  const { pendingMigrations } = await import('../../store/migration-status.ts');
  try {
    const pending = await pendingMigrations(databaseUrl);
    return [
      {
        check: 'database',
        ok: pending.length === 0,
        detail:
          pending.length === 0 ? `${where}, migrated` : `${where}, ${pending.length} migration(s) pending`,
        fix: 'run leadbot migrate',
      },
    ];
  } catch (err) {
    return [
      {
        check: 'database',
        ok: false,
        detail: `${where}: ${err instanceof Error ? err.message : String(err)}`,
        fix: 'check DATABASE_URL (and run leadbot migrate for a new database)',
      },
    ];
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description(
      'check the configuration against the database and each enabled platform; exit 1 on a problem',
    )
    .action(async () => {
      const config = ctx.config();
      const logger = createLogger({ level: 'warn', destination: process.stderr });
      const checks = await databaseChecks(config.databaseUrl);
      for (const { entry, config: section } of enabledAdapters(config)) {
        if (!entry.doctor) continue;
        const signal = AbortSignal.timeout(PLATFORM_DEADLINE_MS);
        try {
          checks.push(...(await entry.doctor(section, { logger, signal })));
        } catch (err) {
          checks.push({
            check: entry.name,
            ok: false,
            detail: signal.aborted
              ? `no answer within ${PLATFORM_DEADLINE_MS / 1000} s`
              : err instanceof Error
                ? err.message
                : String(err),
            fix: `check the ${entry.name} variables and the network (README, Connect ${entry.name})`,
          });
        }
      }
      if (!checks.some((c) => c.check !== 'database'))
        checks.push({
          check: 'platforms',
          ok: true,
          detail: 'no chat platform with checks is enabled (web chat only)',
        });
      process.stdout.write(`${renderChecks(checks).join('\n')}\n`);
      const failed = checks.filter((c) => !c.ok).length;
      process.stdout.write(failed ? `${failed} problem(s) found\n` : 'everything checked is ok\n');
      if (failed) process.exitCode = 1;
    });
}
