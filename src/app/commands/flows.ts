/**
 * `leadbot flows validate <files...>` and `leadbot flows test <transcripts...>`.
 * validate: every problem of every file, one per line, then exit 2 if any.
 * test: PASS/FAIL per transcript against an in-memory store, exit 1 if any fails.
 */
import type { Command } from 'commander';
import { LeadbotError } from '../../core/errors.ts';
import { FlowInvalidError } from '../../core/flow/validate.ts';
import type { LeadStore } from '../../core/ports/index.ts';
import { ADAPTERS, type AdapterEntry, enabledAdapters } from '../adapters.ts';
import type { CliContext } from '../cli-context.ts';
import { loadFlowCatalog, loadFlowFile } from '../flow-files.ts';
import { sendProblems } from '../platform-tools.ts';
import { loadTranscript, runTranscript } from '../transcripts.ts';

const clock = { now: () => new Date() };
const quiet = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return quiet;
  },
};

/** Runs transcript files; returns lines to print and whether all passed. */
export async function testTranscripts(
  files: string[],
  flowsDir: string,
  newStore: () => Promise<LeadStore>,
): Promise<{ lines: string[]; failed: number }> {
  const flows = await loadFlowCatalog(flowsDir);
  const lines: string[] = [];
  let failed = 0;
  for (const file of files) {
    const store = await newStore();
    try {
      const transcript = await loadTranscript(file);
      const result = await runTranscript(transcript, { store, flows, clock, logger: quiet });
      if (result.passed) lines.push(`PASS ${file} (stage ${result.stage}, score ${result.score})`);
      else {
        failed += 1;
        lines.push(`FAIL ${file}`, ...result.failures.map((f) => `  ${f}`));
      }
    } catch (err) {
      failed += 1;
      lines.push(
        `FAIL ${file}`,
        `  ${err instanceof Error ? err.message.replace(/\n/g, '\n  ') : String(err)}`,
      );
    } finally {
      await store.close();
    }
  }
  return { lines, failed };
}

/** The registry entries whose limits `flows validate` checks. */
function platformsToCheck(names: string | undefined, ctx: CliContext): AdapterEntry[] {
  if (names === undefined) {
    try {
      return enabledAdapters(ctx.config()).map((e) => e.entry);
    } catch {
      return ADAPTERS;
    }
  }
  if (names.trim() === 'all') return ADAPTERS;
  return names.split(',').map((n) => {
    const entry = ADAPTERS.find((a) => a.name === n.trim());
    if (!entry)
      throw new LeadbotError(
        'CONFIG_INVALID',
        `--platform ${n.trim()} is no platform: use ${ADAPTERS.map((a) => a.name).join(', ')} or all`,
      );
    return entry;
  });
}

export function register(program: Command, ctx: CliContext): void {
  const flows = program.command('flows').description('check flow files and run transcripts');
  flows
    .command('validate')
    .description('validate flow files; prints each problem with its path in the file')
    .argument('<files...>', 'flow files (YAML or JSON)')
    .option(
      '--platform <names>',
      'check what the flow sends against these platforms\' limits: a comma list or "all" (default: the platforms the configuration enables, or all when it does not load)',
    )
    .action(async (files: string[], opts: { platform?: string }) => {
      const platforms = platformsToCheck(opts.platform, ctx);
      let bad = 0;
      for (const file of files) {
        try {
          const flow = await loadFlowFile(file);
          const problems = sendProblems(flow, platforms);
          if (problems.length > 0) throw new FlowInvalidError(file, problems);
          const steps = Object.keys(flow.definition.steps).length;
          process.stdout.write(`ok ${file}: flow "${flow.id}" version ${flow.version}, ${steps} steps\n`);
        } catch (err) {
          if (!(err instanceof LeadbotError)) throw err;
          bad += 1;
          const problems =
            'problems' in err ? (err.problems as string[]) : [err.message.replace(`${file}: `, '')];
          for (const p of problems) process.stderr.write(`${file}: ${p}\n`);
        }
      }
      if (bad > 0) {
        throw new LeadbotError(
          'FLOW_INVALID',
          `${bad} of ${files.length} flow file(s) invalid — fix the problems listed above`,
        );
      }
    });
  flows
    .command('test')
    .description('run transcripts against the flows; PASS/FAIL per file, exit 1 on a failure')
    .argument('<transcripts...>', 'transcript files (YAML)')
    .option('--flows <dir>', 'folder of flow files (default: FLOWS_DIR)')
    .action(async (files: string[], opts: { flows?: string }) => {
      let dir = opts.flows;
      if (!dir) {
        try {
          dir = ctx.config().flowsDir;
        } catch {
          dir = 'flows';
        }
      }
      const { createMemoryStore } = await import('../../core/memory/memory-store.ts');
      const { lines, failed } = await testTranscripts(files, dir, async () => createMemoryStore());
      process.stdout.write(
        `${lines.join('\n')}\ntranscripts: ${files.length - failed} passed, ${failed} failed\n`,
      );
      if (failed > 0) process.exitCode = 1;
    });
}
