/**
 * Scoring: turns a conversation's accepted answers and variables into explainable
 * contributions, and the resulting score into a stage. Pure functions.
 *
 * Stage semantics (documented in docs/flows.md):
 * - cold: known, no expressed interest; MQL: score ≥ thresholds.mql or ≥ thresholds.mqlAnswers
 *   accepted answers; SQL: score ≥ thresholds.sql; hard rules override the score (first match wins).
 * - The engine only moves a lead forward (cold → MQL → SQL, or to disqualified from cold/MQL).
 *   It never demotes automatically: SQL and disqualified leads are changed by people only.
 */

import { evaluate, type Variables } from './flow/conditions.ts';
import type { FlowDefinition } from './flow/schema.ts';
import { quoteEvidence, stepsOfCondition } from './interpret/evidence-quotes.ts';
import type { JsonValue, ScoreContribution, Stage } from './ports/index.ts';

export type ContributionInput = Omit<ScoreContribution, 'id' | 'leadId' | 'conversationId' | 'createdAt'>;

export interface ScoreResult {
  contributions: ContributionInput[];
  /** The hard rule that fired, if any (it is also listed in `contributions` with 0 points). */
  hard: { id: string; stage: Stage; reason: string } | null;
}

/**
 * Computes the contributions of one conversation.
 * @param answers accepted value per step id (latest accepted answer wins).
 * @param evidence for steps whose answer was inferred, the words it rests on: quoted in the
 *   reason of every contribution that comes from them.
 */
export function scoreConversation(
  def: FlowDefinition,
  answers: Map<string, JsonValue>,
  vars: Variables,
  evidence: Map<string, string> = new Map(),
): ScoreResult {
  const contributions: ContributionInput[] = [];
  for (const [stepId, step] of Object.entries(def.steps)) {
    if (!answers.has(stepId)) continue;
    const value = answers.get(stepId)!;
    if (step.points !== undefined && step.points !== 0) {
      contributions.push({
        ruleId: `answer:${stepId}`,
        stepId,
        points: step.points,
        reason: (step.reason ?? `Answered "${stepId}"`) + quoteEvidence([stepId], evidence),
      });
    }
    if (step.options) {
      const picked = Array.isArray(value) ? value.map(String) : [String(value)];
      for (const o of step.options) {
        if (!picked.includes(o.value) || !o.points) continue;
        contributions.push({
          ruleId: `option:${stepId}=${o.value}`,
          stepId,
          points: o.points,
          reason: (o.reason ?? `${stepId}: ${o.label}`) + quoteEvidence([stepId], evidence),
        });
      }
    }
  }
  for (const rule of def.scoring.rules) {
    if (rule.points === 0 || !evaluate(rule.when, vars)) continue;
    contributions.push({
      ruleId: `rule:${rule.id}`,
      stepId: null,
      points: rule.points,
      reason: (rule.reason ?? rule.id) + quoteEvidence(stepsOfCondition(def, rule.when), evidence),
    });
  }
  let hard: ScoreResult['hard'] = null;
  for (const rule of def.scoring.hard) {
    if (!evaluate(rule.when, vars)) continue;
    const reason = rule.reason ?? rule.id;
    hard = { id: rule.id, stage: rule.stage, reason };
    contributions.push({
      ruleId: `hard:${rule.id}`,
      stepId: null,
      points: 0,
      reason: `${reason} → ${rule.stage}`,
    });
    break;
  }
  return { contributions, hard };
}

/** The stage the score and hard rule call for, with the reason to record. */
export function stageFor(
  def: FlowDefinition,
  score: number,
  acceptedAnswers: number,
  hard: ScoreResult['hard'],
): { stage: Stage; reason: string } {
  if (hard) return { stage: hard.stage, reason: `hard rule ${hard.id}: ${hard.reason}` };
  const t = def.scoring.thresholds;
  if (score >= t.sql) return { stage: 'SQL', reason: `score ${score} ≥ SQL threshold ${t.sql}` };
  if (score >= t.mql) return { stage: 'MQL', reason: `score ${score} ≥ MQL threshold ${t.mql}` };
  if (t.mqlAnswers !== undefined && acceptedAnswers >= t.mqlAnswers) {
    return { stage: 'MQL', reason: `${acceptedAnswers} answers given (engaged)` };
  }
  return { stage: 'cold', reason: `score ${score}` };
}

const RANK: Record<Stage, number> = { cold: 0, MQL: 1, SQL: 2, disqualified: -1 };

/** Whether the engine may move a lead from `from` to `to` on its own (never a demotion). */
export function isAutomaticMoveAllowed(from: Stage, to: Stage): boolean {
  if (from === to) return false;
  if (from === 'SQL' || from === 'disqualified') return false;
  if (to === 'disqualified') return true;
  return RANK[to] > RANK[from];
}
