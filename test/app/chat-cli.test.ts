/**
 * End to end through the real binary: a strong prospect's answers piped into
 * `leadbot chat` on a temp SQLite database reach SQL with exactly one sales alert, and
 * `leadbot leads show` explains the score.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { ROOT, runCli } from './run-cli.ts';

const db = tempSqliteUrl();
const env = { DATABASE_URL: db.url, FLOWS_DIR: join(ROOT, 'flows'), LOG_LEVEL: 'warn' };

function chat(
  input: string,
  args: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/leadbot.js'), 'chat', ...args], {
      cwd: db.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

afterAll(() => db.cleanup());

describe('leadbot chat', () => {
  it('qualifies a piped strong prospect to SQL and leads show explains the score', async () => {
    const answers = [
      '1',
      'Acme Corp',
      'Founder or executive',
      'about 80',
      '1',
      'this month',
      'jane@acme.example',
      'yes',
      'no',
    ];
    const run = await chat(`${answers.join('\n')}\n`, ['--campaign', 'launch']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('bot: What brings you here today?');
    expect(run.stdout).toContain('  1) Evaluating a tool for my team');
    expect(run.stdout).toMatch(/Thanks! That's everything/);

    const sqlite = new Database(db.url.slice('file:'.length), { readonly: true });
    const leads = sqlite.prepare('SELECT id, stage, score FROM Lead').all() as {
      id: string;
      stage: string;
      score: number;
    }[];
    const alerts = sqlite
      .prepare("SELECT COUNT(*) AS n FROM OutboxMessage WHERE kind = 'sales_alert'")
      .get() as { n: number };
    sqlite.close();
    expect(leads).toEqual([{ id: expect.any(String), stage: 'SQL', score: 120 }]);
    expect(alerts.n).toBe(1);

    const list = await runCli(['leads', 'list', '--stage', 'SQL', '--json'], env, db.dir);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([{ id: leads[0]!.id, stage: 'SQL', company: 'Acme Corp' }]);

    const show = await runCli(['leads', 'show', leads[0]!.id], env, db.dir);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('stage: SQL   score: 120');
    expect(show.stdout).toContain('Score breakdown:');
    expect(show.stdout).toMatch(/ {2}25 {2}Budget approved {2}\[option:budget=approved\]/);
    expect(show.stdout).toMatch(/ {2}20 {2}Team of 50 or more {2}\[rule:large_team\]/);
    expect(show.stdout).toMatch(/ {2}120 {2}total/);
    expect(show.stdout).toMatch(/MQL -> SQL {2}by engine: score 120 ≥ SQL threshold 115/);
  });

  it('leads show on an unknown id fails with exit 2', async () => {
    const show = await runCli(['leads', 'show', 'nope'], env, db.dir);
    expect(show.code).toBe(2);
    expect(show.stderr).toMatch(/no lead with id nope/);
  });
});
