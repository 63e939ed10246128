/** Runs the real `leadbot` entry point (`node bin/leadbot.js`) as a child process. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/leadbot.js');

/**
 * A clean environment: only what Node needs plus `env`, so variables of the developer's shell
 * (a stray TELEGRAM_BOT_TOKEN) cannot change the outcome. The working directory is a fresh
 * temp dir so no `.env` of the repository is picked up.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  cwd = mkdtempSync(join(tmpdir(), 'leadbot-cli-')),
  bin = BIN,
): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

export interface RunningCli {
  child: ChildProcess;
  /** Parsed JSON log lines seen so far. */
  logs: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the first log line whose `msg` equals `msg`; rejects if the process exits first. */
  waitForLog(msg: string): Promise<Record<string, unknown>>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a long-running command (e.g. `start`) and follows its JSON log on stdout. `nodeArgs`
 * go to Node before the entry point (`--import` of a test preload); `bin` is another copy's
 * `bin/leadbot.js`.
 */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
  opts: { nodeArgs?: string[]; cwd?: string; bin?: string } = {},
): RunningCli {
  const cwd = opts.cwd ?? mkdtempSync(join(tmpdir(), 'leadbot-cli-'));
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.bin ?? BIN, ...args], {
    cwd,
    env: childEnv(env),
  });
  const logs: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (l: Record<string, unknown>) => void }[] = [];
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  createInterface({ input: child.stdout }).on('line', (line) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      entry = { msg: line, notJson: true };
    }
    logs.push(entry);
    for (const w of waiters.filter((w) => w.msg === entry.msg)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(entry);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('close', (code, signal) => done({ code, signal })),
  );
  return {
    child,
    logs,
    stderr: () => stderr,
    exited,
    waitForLog(msg) {
      const seen = logs.find((l) => l.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolveLine, reject) => {
        waiters.push({ msg, resolve: resolveLine });
        exited.then(({ code }) =>
          reject(new Error(`leadbot exited (${code}) before logging "${msg}"; stderr: ${stderr}`)),
        );
      });
    },
  };
}
