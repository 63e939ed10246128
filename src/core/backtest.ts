/**
 * `leadbot scoring backtest --flow new.yaml`: replays every stored conversation of that flow
 * through the new flow's scoring and lists the leads whose stage would differ, before the
 * change ships. Old and new are both recomputed from the same answers, so stages people set
 * by hand (Not a fit, `stage` commands) do not count as changes.
 */
import { applyAnswer } from './conversation.ts';
import type { Variables } from './flow/conditions.ts';
import type { FlowDefinition } from './flow/schema.ts';
import type { Flow } from './flow/validate.ts';
import type { JsonValue, Stage } from './ports/index.ts';
import { scoreConversation, stageFor } from './scoring.ts';
import type { LeadScoringData } from './scoring-data.ts';

export interface Outcome {
  score: number;
  stage: Stage;
  reason: string;
}

export interface BacktestRow {
  leadId: string;
  name: string | null;
  company: string | null;
  /** The stage stored today (may have been set by a person). */
  current: Stage;
  before: Outcome;
  after: Outcome;
  verdict: LeadScoringData['verdict'];
}

export interface BacktestResult {
  flowId: string;
  replayed: number;
  changed: BacktestRow[];
  /** `cold→MQL: 3`, … */
  transitions: Record<string, number>;
}

/** The variables a conversation would hold under `def`: its own, with answers stored per `def`'s steps. */
function variablesFor(
  def: FlowDefinition,
  base: Record<string, JsonValue>,
  answers: Map<string, JsonValue>,
): Variables {
  const vars: Variables = { ...base };
  for (const [stepId, value] of answers) {
    const step = def.steps[stepId];
    if (step) applyAnswer(vars, step, stepId, value);
  }
  return vars;
}

/** Score and stage `def` gives these answers. */
export function replay(
  def: FlowDefinition,
  base: Record<string, JsonValue>,
  answers: Map<string, JsonValue>,
): Outcome {
  const known = new Map([...answers].filter(([id]) => def.steps[id] !== undefined));
  const vars = variablesFor(def, base, known);
  const { contributions, hard } = scoreConversation(def, known, vars);
  const score = contributions.reduce((s, c) => s + c.points, 0);
  const { stage, reason } = stageFor(def, score, known.size, hard);
  return { score, stage, reason };
}

/** Replays the leads whose latest conversation ran `flow.id` (any version). */
export function backtest(flow: Flow, data: Iterable<LeadScoringData>): BacktestResult {
  const result: BacktestResult = { flowId: flow.id, replayed: 0, changed: [], transitions: {} };
  for (const d of data) {
    if (!d.conversation || d.conversation.flowId !== flow.id || d.answers.size === 0) continue;
    result.replayed++;
    const base = d.conversation.variables;
    const before = replay(d.definition ?? flow.definition, base, d.answers);
    const after = replay(flow.definition, base, d.answers);
    if (before.stage === after.stage) continue;
    const { lead } = d;
    result.changed.push({
      leadId: lead.id,
      name: lead.name,
      company: lead.company,
      current: lead.stage,
      before,
      after,
      verdict: d.verdict,
    });
    const t = `${before.stage}→${after.stage}`;
    result.transitions[t] = (result.transitions[t] ?? 0) + 1;
  }
  return result;
}

/** The result as text: a summary, then one line per lead that would change. */
export function formatBacktest(r: BacktestResult): string {
  const moves = Object.entries(r.transitions)
    .map(([t, n]) => `${t}: ${n}`)
    .join(', ');
  const out = [
    `Flow ${r.flowId}: ${r.replayed} conversations replayed, ${r.changed.length} leads would change stage${moves ? ` (${moves})` : ''}`,
  ];
  for (const c of r.changed) {
    const who = [c.name, c.company].filter(Boolean).join(', ') || '-';
    const verdict = c.verdict ? `, rep ${c.verdict}` : '';
    out.push(
      `  ${c.leadId}  ${who}: ${c.before.stage} (${c.before.score}) -> ${c.after.stage} (${c.after.score})  [now ${c.current}${verdict}]  ${c.after.reason}`,
    );
  }
  return out.join('\n');
}
