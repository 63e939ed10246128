/**
 * `bin/leadbot.js` runs the compiled dist/ only while it was built from exactly the sources
 * beside it, and the TypeScript sources through tsx otherwise. Checked on a copy of the
 * repository (its own dist/, the same node_modules) through the spawned CLI: the compiled
 * entry is marked after the build, so `--help` shows which code answered. The compiled
 * `leadbot start` migrates from dist/prisma and serves the static assets copied into dist/.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { ROOT, runCli, startCli } from './run-cli.ts';

const DESCRIPTION = 'Turns Slack, Discord and Telegram conversations into qualified sales leads.';
const MARKER = 'Compiled build answering.';

let copy: string;
let bin: string;

function build(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: copy, stdio: 'pipe' });
  // Changes what only the compiled entry prints; dist/ is no input, so the build stays current.
  const entry = join(copy, 'dist/leadbot.js');
  const text = readFileSync(entry, 'utf8');
  expect(text).toContain(DESCRIPTION);
  writeFileSync(entry, text.replace(DESCRIPTION, MARKER));
}

/** What answered `leadbot --help`: the compiled build or the sources. */
async function whoAnswers(env: Record<string, string> = {}): Promise<'dist' | 'src'> {
  const { code, stdout, stderr } = await runCli(['--help'], env, undefined, bin);
  expect(code, stderr).toBe(0);
  if (stdout.includes(MARKER)) return 'dist';
  expect(stdout).toContain(DESCRIPTION);
  return 'src';
}

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'leadbot-build-'));
  for (const path of [
    'bin',
    'scripts',
    'src',
    'adapters',
    'prisma',
    'flows',
    'package.json',
    'tsconfig.json',
  ])
    cpSync(join(ROOT, path), join(copy, path), { recursive: true });
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(copy, 'node_modules'), 'dir');
  bin = join(copy, 'bin/leadbot.js');
  build();
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('bin/leadbot.js', () => {
  it('runs dist/ when it was built from the sources there, the sources when asked to', async () => {
    expect(await whoAnswers()).toBe('dist');
    expect(await whoAnswers({ LEADBOT_FROM_SOURCE: '1' })).toBe('src');
  });

  it('runs the sources through tsx once one is edited, dist/ again once it is the same again', async () => {
    const file = join(copy, 'src/core/errors.ts');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}\n// edited after the build\n`);
    expect(await whoAnswers()).toBe('src');
    // Same content, new modification time (a checkout, a copy): compared by hash, still current.
    writeFileSync(file, original);
    expect(await whoAnswers()).toBe('dist');
  });

  it('counts a file added to the sources or a changed migration as a change', async () => {
    const added = join(copy, 'adapters/web/static/extra.css');
    writeFileSync(added, 'body{}');
    expect(await whoAnswers()).toBe('src');
    unlinkSync(added);
    expect(await whoAnswers()).toBe('dist');
    const migrations = join(copy, 'prisma/sqlite/migrations');
    const lock = join(migrations, 'migration_lock.toml');
    const text = readFileSync(lock, 'utf8');
    writeFileSync(lock, `${text}# edited\n`);
    expect(await whoAnswers()).toBe('src');
    writeFileSync(lock, text);
    expect(await whoAnswers()).toBe('dist');
  });

  it('compiled, leadbot start migrates from dist/prisma and serves the assets copied into dist/', async () => {
    const db = tempSqliteUrl();
    const cli = startCli(
      ['start'],
      { DATABASE_URL: db.url, PORT: '0', FLOWS_DIR: join(copy, 'flows') },
      { bin },
    );
    try {
      const applied = await cli.waitForLog('migrations applied');
      expect((applied.applied as string[]).length).toBeGreaterThan(0);
      const base = String((await cli.waitForLog('leadbot ready')).http);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const widget = await fetch(`${base}/widget.js`);
      expect(widget.status).toBe(200);
      expect(await widget.text()).toBe(readFileSync(join(ROOT, 'adapters/web/static/widget.js'), 'utf8'));
      const css = await fetch(`${base}/dashboard/dashboard.css`);
      expect(css.status).toBe(200);
      expect(await css.text()).toBe(readFileSync(join(ROOT, 'src/app/web/static/dashboard.css'), 'utf8'));
    } finally {
      cli.child.kill('SIGTERM');
      expect((await cli.exited).code).toBe(0);
      db.cleanup();
    }
  });

  it('without a build runs the sources, and says so in production', async () => {
    rmSync(join(copy, 'dist'), { recursive: true, force: true });
    expect(await whoAnswers()).toBe('src');
    const { code, stderr } = await runCli(['--help'], { NODE_ENV: 'production' }, undefined, bin);
    expect(code).toBe(0);
    expect(stderr).toBe(
      'leadbot: dist/ is missing or older than the sources; running them through tsx — run npm run build\n',
    );
  });
});
