import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadFlowFile } from '../../src/app/flow-files.ts';
import { isLeadbotError } from '../../src/core/errors.ts';
import { FlowInvalidError, parseFlow } from '../../src/core/flow/validate.ts';
import { FLOWS_DIR } from '../helpers/engine.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests break the YAML in arbitrary nested places.
type LooseYaml = Record<string, any>;
const defaultFlow = () => parseYaml(readFileSync(join(FLOWS_DIR, 'default.yaml'), 'utf8')) as LooseYaml;

function problemsOf(raw: unknown): string[] {
  try {
    parseFlow(raw, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(FlowInvalidError);
    expect(isLeadbotError(err, 'FLOW_INVALID')).toBe(true);
    return (err as FlowInvalidError).problems;
  }
  throw new Error('flow was accepted');
}

describe('flow validation', () => {
  it('accepts the shipped default flow with 6 to 9 questions', async () => {
    const flow = await loadFlowFile(join(FLOWS_DIR, 'default.yaml'));
    expect(flow.id).toBe('default');
    expect(flow.startStep).toBe('need');
    const n = Object.keys(flow.definition.steps).length;
    expect(n).toBeGreaterThanOrEqual(6);
    expect(n).toBeLessThanOrEqual(9);
  });

  it('names the exact path of an unknown step', () => {
    const raw = defaultFlow();
    raw.steps.budget.next = 'timline';
    expect(problemsOf(raw)).toContain('steps.budget.next: unknown step "timline"');
  });

  it('reports unreachable steps and cycles without exit', () => {
    const problems = problemsOf({
      id: 'loop',
      steps: {
        a: { ask: 'A', type: 'text', next: 'b' },
        b: { ask: 'B', type: 'text', next: 'a' },
        c: { ask: 'C', type: 'text' },
      },
    });
    expect(problems).toContain('steps.c: unreachable from "a"');
    expect(problems).toContain('steps.a.next: cycle without exit (never reaches the end)');
  });

  it('accepts a loop that has a conditional exit', () => {
    const flow = parseFlow({
      id: 'retry-loop',
      steps: {
        a: {
          ask: 'A',
          type: 'yesno',
          next: [{ if: { var: 'a', equals: true }, goto: 'a' }, { goto: 'end' }],
        },
      },
    });
    expect(flow.startStep).toBe('a');
  });

  it('reports shape errors with their path', () => {
    const raw = defaultFlow();
    raw.steps.need.type = 'dropdown';
    delete raw.steps.role.options[0].label;
    const problems = problemsOf(raw);
    expect(problems.some((p) => p.startsWith('steps.need.type:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('steps.role.options.0.label:'))).toBe(true);
  });

  it('reports unknown variables in conditions, misplaced options and duplicate values', () => {
    const raw = defaultFlow();
    raw.scoring.rules[0].when = { var: 'teamsize', gte: 10 };
    raw.steps.company.options = [{ value: 'x', label: 'X' }];
    raw.steps.budget.options[1].value = 'approved';
    const problems = problemsOf(raw);
    expect(problems).toContain('scoring.rules.0.when.var: unknown variable "teamsize"');
    expect(problems).toContain('steps.company.options: only choice and multichoice steps take options');
    expect(problems).toContain('steps.budget.options.1.value: duplicate value "approved"');
  });

  it('gives a version that ignores key order and changes with the content', () => {
    const raw = defaultFlow();
    const reordered = structuredClone(Object.fromEntries(Object.entries(raw).reverse()));
    expect(parseFlow(reordered).version).toBe(parseFlow(raw).version);
    raw.steps.need.ask = 'What brings you here?';
    expect(parseFlow(raw).version).not.toBe(parseFlow(reordered).version);
    // Step order is meaning (start, implicit next): swapping two steps is a new version.
    const s = reordered.steps;
    const steps = { need: s.need, company: s.company, role: s.role, team_size: s.team_size };
    const swapped = { ...reordered, steps: { ...steps, timeline: s.timeline, budget: s.budget, ...s } };
    expect(parseFlow(swapped).version).not.toBe(parseFlow(reordered).version);
  });

  it('refuses a file that is not YAML with its path', async () => {
    const dir = await import('node:fs/promises').then((fs) => fs.mkdtemp('/tmp/leadbot-flow-'));
    const file = join(dir, 'broken.yaml');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, 'id: [unclosed\n'));
    await expect(loadFlowFile(file)).rejects.toThrow(/broken\.yaml: not valid YAML/);
  });
});
