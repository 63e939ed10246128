/** The `followUps` example in docs/flows.md is a valid flow and links to docs/nurture.md. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseFlow } from '../../src/core/flow/validate.ts';

const doc = readFileSync(fileURLToPath(new URL('../../docs/flows.md', import.meta.url)), 'utf8');

describe('docs/flows.md follow-ups section', () => {
  const section = doc.slice(doc.indexOf('## Follow-ups'), doc.indexOf('## Transcripts'));

  it('has an example the flow validator accepts, with all three kinds', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const flow = parseFlow(parse(yaml!), 'docs/flows.md');
    expect(flow.definition.followUps).toMatchObject({
      reminder: { after: '1d', max: 2 },
      nurture: { every: '3d' },
      reengage: { after: '14d', minScore: 10 },
    });
    expect(flow.definition.followUps?.nurture?.messages).toHaveLength(2);
  });

  it('links to docs/nurture.md, which exists', () => {
    expect(section).toContain('](nurture.md)');
    expect(() =>
      readFileSync(fileURLToPath(new URL('../../docs/nurture.md', import.meta.url))),
    ).not.toThrow();
  });
});
