import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'leadbot-flows-'));

describe('leadbot flows', () => {
  it('validate accepts the default flow', async () => {
    const r = await runCli(['flows', 'validate', join(ROOT, 'flows/default.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok .*default\.yaml: flow "default" version [0-9a-f]+, 9 steps/);
  });

  it('validate reports the exact path of a problem and exits 2', async () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(
      file,
      'id: typo\nsteps:\n  budget: { ask: Budget?, type: yesno, next: timline }\n  timeline: { ask: When?, type: text }\n',
    );
    const r = await runCli(['flows', 'validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: steps.budget.next: unknown step "timline"`);
  });

  it('test runs the shipped transcripts and fails on a wrong expectation', async () => {
    const transcripts = ['strong-prospect', 'early-prospect', 'student', 'invalid-answers'].map((n) =>
      join(ROOT, 'flows/transcripts', `${n}.yaml`),
    );
    const ok = await runCli(['flows', 'test', '--flows', join(ROOT, 'flows'), ...transcripts]);
    expect(ok.stdout).toContain('transcripts: 4 passed, 0 failed');
    expect(ok.code).toBe(0);

    const wrong = join(dir, 'wrong.yaml');
    writeFileSync(wrong, 'flow: default\nsteps:\n  - say: hi\nexpect:\n  stage: SQL\n');
    const bad = await runCli(['flows', 'test', '--flows', join(ROOT, 'flows'), wrong]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`FAIL ${wrong}`);
    expect(bad.stdout).toContain('stage: expected SQL, got cold');
  });
});
