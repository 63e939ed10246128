/** The README's configuration table stays true to the schema in src/app/config.ts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapterSections } from '../../src/app/adapters.ts';
import { VARIABLES } from '../../src/app/config.ts';
import { ROOT } from './run-cli.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Table rows as trimmed cells, keyed by the first cell (`\`NAME\``). */
const rows = new Map(
  readme
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    )
    .map((cells) => [cells[0] ?? '', cells] as const),
);

describe('README', () => {
  it('documents every core variable with its real default', () => {
    for (const [name, variable] of Object.entries(VARIABLES)) {
      expect(rows.get(`\`${name}\``)?.[1], name).toBe(`\`${variable.default}\``);
    }
  });

  it('documents every variable a registered config section (adapters, dashboard) declares', () => {
    const declared = adapterSections().flatMap((s) => s.variables ?? []);
    expect(declared.length).toBeGreaterThan(0);
    for (const name of declared) expect(readme, name).toContain(`\`${name}\``);
  });

  it('.env.example lists every core variable with its default', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    for (const [name, variable] of Object.entries(VARIABLES)) {
      expect(example, name).toContain(`# ${name}=${variable.default}\n`);
    }
  });

  it('shows the two fresh-machine commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
