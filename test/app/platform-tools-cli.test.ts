/**
 * The connect-a-platform commands through the real CLI: `doctor` (database part; each platform's
 * checks are tested with its adapter), `setup` refusing what it cannot do, and `flows validate
 * --platform` naming an unknown platform. The platform-specific parts live in the adapters'
 * tests (test/adapters/<platform>/setup-doctor.test.ts).
 */
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { renderChecks } from '../../src/app/commands/doctor.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { ROOT, runCli } from './run-cli.ts';

const base = { WEB_CHAT: 'off', LOG_LEVEL: 'silent' };

describe('leadbot doctor', () => {
  it('passes on a migrated database with no platform, and says so', async () => {
    const db = tempSqliteUrl();
    try {
      await migrateDatabase(db.url, { logger: pino({ level: 'silent' }) });
      const r = await runCli(['doctor'], { ...base, DATABASE_URL: db.url });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^ok {4}database/m);
      expect(r.stdout).toContain('everything checked is ok');
    } finally {
      db.cleanup();
    }
  });

  it('fails with the fix when the database is missing, creating nothing', async () => {
    const db = tempSqliteUrl();
    const r = await runCli(['doctor'], { ...base, DATABASE_URL: db.url });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}database .*does not exist/m);
    expect(r.stdout).toContain('fix: check DATABASE_URL');
    expect(r.stdout).toContain('1 problem(s) found');
    db.cleanup();
  });

  it('renders each failed check with its fix under it', () => {
    expect(
      renderChecks([
        { check: 'database', ok: true, detail: 'file:x, migrated' },
        { check: 'Slack token', ok: false, detail: 'invalid_auth', fix: 'set SLACK_BOT_TOKEN' },
      ]),
    ).toEqual([
      'ok    database     file:x, migrated',
      'FAIL  Slack token  invalid_auth',
      '                   fix: set SLACK_BOT_TOKEN',
    ]);
  });
});

describe('leadbot setup and flows validate --platform', () => {
  it('refuses an unknown platform and an http URL with one line (exit 2)', async () => {
    const unknown = await runCli(['setup', 'myspace']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/setup knows no platform myspace/);
    const flow = join(ROOT, 'flows/default.yaml');
    const bad = await runCli(['flows', 'validate', '--platform', 'myspace', flow]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--platform myspace is no platform/);
    const ok = await runCli(['flows', 'validate', '--platform', 'all', flow]);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
