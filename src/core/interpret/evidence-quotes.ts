/**
 * Score explanations quote what an inferred answer rests on: a contribution that comes from an
 * inferred step (its option, or a rule reading its variable) names the step and its evidence.
 */
import type { Condition, FlowDefinition } from '../flow/schema.ts';

/** The variables a condition reads. */
function conditionVars(c: Condition, into: Set<string>): Set<string> {
  if ('all' in c) for (const x of c.all) conditionVars(x, into);
  else if ('any' in c) for (const x of c.any) conditionVars(x, into);
  else if ('not' in c) conditionVars(c.not, into);
  else into.add(c.var);
  return into;
}

/** ` (step: "evidence")` for each inferred step, so a score explains what it rests on. */
export function quoteEvidence(stepIds: Iterable<string>, evidence: Map<string, string>): string {
  const quotes = [...stepIds]
    .filter((id) => evidence.has(id))
    .map((id) => `${id}: "${clip(evidence.get(id)!)}"`);
  return quotes.length ? ` (inferred from ${quotes.join(', ')})` : '';
}

/** The inferred steps whose variables a rule's condition reads. */
export function stepsOfCondition(flow: FlowDefinition, when: Condition): string[] {
  const vars = conditionVars(when, new Set());
  return Object.entries(flow.steps)
    .filter(([id, step]) => vars.has(step.set ?? id) || (step.field !== undefined && vars.has(step.field)))
    .map(([id]) => id);
}

const clip = (s: string) => (s.length > 120 ? `${s.slice(0, 119)}…` : s);
