/**
 * The `leadbot` command line (entry point of `bin/leadbot.js`). Each command lives in
 * `src/app/commands/<name>.ts` and exports `register(program, ctx)`; add a command with one
 * import and one line in {@link buildProgram}.
 */
import { Command, CommanderError } from 'commander';
import type pino from 'pino';
import { type CliContext, createCliContext } from './cli-context.ts';
import { register as registerChat } from './commands/chat.ts';
import { register as registerDoctor } from './commands/doctor.ts';
import { register as registerFlows } from './commands/flows.ts';
import { register as registerLeads } from './commands/leads.ts';
import { register as registerMigrate } from './commands/migrate.ts';
import { register as registerScoring } from './commands/scoring.ts';
import { register as registerSetup } from './commands/setup.ts';
import { register as registerStart } from './commands/start.ts';
import { register as registerWebhooks } from './commands/webhooks.ts';
import { EXIT_USAGE, reportFailure } from './errors-exit.ts';
import { createLogger } from './logger.ts';
import { installProcessGuard } from './ops/process-guard.ts';

/** Builds the program with every command registered. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('leadbot')
    .description('Turns Slack, Discord and Telegram conversations into qualified sales leads.')
    .exitOverride()
    // Usage mistakes follow the one-line rule too: what is wrong — how to find the fix.
    .configureOutput({
      outputError: (text, write) =>
        write(`${text.trim().replace(/^error: /, 'leadbot: ')} — run leadbot --help for usage\n`),
    });
  registerStart(program, ctx);
  registerMigrate(program, ctx);
  // Connecting a platform: what to configure on its side, then a check of it all.
  registerSetup(program, ctx);
  registerDoctor(program, ctx);
  // Commands of the qualification core.
  registerChat(program, ctx);
  registerFlows(program, ctx);
  registerLeads(program, ctx);
  registerScoring(program, ctx);
  registerWebhooks(program, ctx);
  return program;
}

/** Runs the CLI and resolves with the exit code; never throws. */
export async function main(argv: string[], ctx: CliContext = createCliContext()): Promise<number> {
  // Before anything runs: a rejection nobody handled is logged and survived, an uncaught
  // exception is logged and ends the process after the store closed (ops/process-guard.ts).
  // Through the command's logger once it exists, else as JSON on stderr (stdout is output).
  let fallback: pino.Logger | undefined;
  const stderrLogger = () => {
    fallback ??= createLogger({ level: 'info', destination: process.stderr });
    return fallback;
  };
  installProcessGuard({ logger: () => ctx.loggerIfCreated ?? stderrLogger() });
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    // A command may report a failure without throwing (e.g. `flows test` with a failing transcript).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; a usage mistake was already printed by commander.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    return reportFailure(err, process.stderr, (e) =>
      ctx.loggerIfCreated?.fatal({ err: e }, 'leadbot stopped on an unexpected error'),
    );
  }
}

const code = await main(process.argv);
process.exitCode = code;
// Everything was closed by now; a handle a library forgot must not keep the process alive.
setTimeout(() => process.exit(code), 3000).unref();
