/** The command line through its real entry point: help, and the one-line failure contract. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run-cli.ts';

const FLOWS_DIR = join(ROOT, 'flows');

/** The contract for an operator's mistake: exit 2, exactly one `leadbot: … — …` line, no stack. */
function expectOneLineFailure(result: { code: number | null; stderr: string }, mention: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^leadbot: .+ — .+/);
  expect(lines[0]).toMatch(mention);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('leadbot CLI', () => {
  it('--help lists the commands', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: leadbot/);
    for (const command of ['start', 'migrate'])
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('start --help documents --no-migrate', async () => {
    const result = await runCli(['start', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--no-migrate');
  });

  it('an unknown command is one line and exit code 2', async () => {
    expectOneLineFailure(await runCli(['bogus']), /unknown command 'bogus'/);
  });

  it.each([
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud" is invalid/],
    ['LEADBOT_FOO', '1', /LEADBOT_FOO is not a leadbot setting/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL="mysql:\/\/x" is invalid .*postgresql:\/\//],
    ['PORT', '-1', /PORT="-1" is invalid/],
    ['RATE_LIMIT_CHAT_IP', 'lots', /RATE_LIMIT_CHAT_IP="lots" is invalid .* — use count\/duration/],
    ['TRUST_PROXY', 'true', /TRUST_PROXY="true" is invalid .* — use the number of proxies/],
  ])('start refuses %s=%s with one line, no stack, exit code 2', async (name, value, mention) => {
    expectOneLineFailure(await runCli(['start'], { [name]: value, FLOWS_DIR }), mention);
  });

  it.each([
    ['aaaaaaaaaaaaaaaaaaaaaaaa', /DASHBOARD_TOKEN="aaaa\*\*\*\*" has only 1 different characters/],
    ['abcabcabcabcabcabcabc', /DASHBOARD_TOKEN="abca\*\*\*\*" has only 3 different characters/],
    ['0123456789abcdefghij', /DASHBOARD_TOKEN="0123\*\*\*\*" is mostly repeated or consecutive/],
    ['short-Token1', /DASHBOARD_TOKEN="shor\*\*\*\*" is shorter than 16 characters/],
  ])('start refuses the guessable DASHBOARD_TOKEN %s with one line, exit code 2', async (token, mention) => {
    const result = await runCli(['start'], { DASHBOARD_TOKEN: token, FLOWS_DIR });
    expectOneLineFailure(result, mention);
    expect(result.stderr).toMatch(/— use a random string, e\.g\. from `openssl rand -base64 24`/);
    expect(result.stderr).not.toContain(token);
  });

  it('start refuses a TELEGRAM_WEBHOOK_SECRET under 32 characters with one line, exit code 2', async () => {
    const result = await runCli(['start'], {
      FLOWS_DIR,
      TELEGRAM_BOT_TOKEN: '123456:ABC-def',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
      TELEGRAM_WEBHOOK_SECRET: 'only-20-characters-x',
    });
    expectOneLineFailure(result, /TELEGRAM_WEBHOOK_SECRET: is shorter than 32 characters/);
  });

  it('reads a .env file from the working directory, real variables winning', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'leadbot-dotenv-'));
    writeFileSync(join(cwd, '.env'), 'LOG_LEVEL=loud\nPORT=abc\n');
    expectOneLineFailure(await runCli(['start'], { FLOWS_DIR, PORT: '0' }, cwd), /LOG_LEVEL="loud"/);
    expectOneLineFailure(await runCli(['start'], { FLOWS_DIR, LOG_LEVEL: 'info' }, cwd), /PORT="abc"/);
  });

  it('a FLOWS_DIR that is not a folder is one line', async () => {
    expectOneLineFailure(
      await runCli(['start'], { FLOWS_DIR: '/nonexistent/flows' }),
      /FLOWS_DIR=.* is not a folder/,
    );
  });

  it('a DEFAULT_FLOW that names no flow is one line', async () => {
    expectOneLineFailure(
      await runCli(['start'], { FLOWS_DIR, DEFAULT_FLOW: 'nosuchflow' }),
      /DEFAULT_FLOW="nosuchflow" names no flow/,
    );
  });
});
