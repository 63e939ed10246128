/**
 * `leadbot scoring report`: for leads that reached SQL, how often reps claimed vs rejected
 * them, per question and answer and per scoring rule. Precision = claimed / (claimed + rejected):
 * an answer worth many points whose SQLs are mostly rejected is a rule to lower.
 */
import { displayAnswer } from './lead-lifecycle.ts';
import type { LeadScoringData } from './scoring-data.ts';

export interface Tally {
  sqls: number;
  claimed: number;
  rejected: number;
  /** SQLs without a verdict yet. */
  open: number;
  /** claimed / (claimed + rejected); null without any verdict. */
  precision: number | null;
}

export interface AnswerRow extends Tally {
  stepId: string;
  question: string;
  value: string;
  answer: string;
}

export interface RuleRow extends Tally {
  ruleId: string;
  reason: string;
}

export interface ScoringReport {
  total: Tally;
  answers: AnswerRow[];
  rules: RuleRow[];
}

/** Only steps with a fixed set of answers are tallied: free text would give one row per lead. */
const TALLIED = new Set(['choice', 'multichoice', 'yesno']);

const emptyTally = (): Tally => ({ sqls: 0, claimed: 0, rejected: 0, open: 0, precision: null });

function count(t: Tally, d: LeadScoringData): void {
  t.sqls++;
  if (d.verdict === 'claimed') t.claimed++;
  else if (d.verdict === 'rejected') t.rejected++;
  else t.open++;
}

const withPrecision = <T extends Tally>(t: T): T => ({
  ...t,
  precision: t.claimed + t.rejected === 0 ? null : t.claimed / (t.claimed + t.rejected),
});

/** Builds the report from every lead's data (leads that never reached SQL are ignored). */
export function buildScoringReport(data: Iterable<LeadScoringData>): ScoringReport {
  const total = emptyTally();
  const answers = new Map<string, AnswerRow & { order: number }>();
  const rules = new Map<string, RuleRow>();
  for (const d of data) {
    if (!d.reachedSql) continue;
    count(total, d);
    const stepIds = d.definition ? Object.keys(d.definition.steps) : [...d.answers.keys()];
    for (const [order, stepId] of stepIds.entries()) {
      const step = d.definition?.steps[stepId];
      const value = d.answers.get(stepId);
      if (value === undefined || (step && !TALLIED.has(step.type)) || (!step && typeof value !== 'boolean'))
        continue;
      for (const v of Array.isArray(value) ? value : [value]) {
        const key = `${stepId}\u0000${String(v)}`;
        let row = answers.get(key);
        if (!row) {
          row = {
            ...emptyTally(),
            stepId,
            question: step?.ask ?? stepId,
            value: String(v),
            answer: displayAnswer(d.definition, stepId, v),
            order,
          };
          answers.set(key, row);
        }
        count(row, d);
      }
    }
    for (const c of new Map(d.contributions.map((c) => [c.ruleId, c])).values()) {
      let row = rules.get(c.ruleId);
      if (!row) {
        row = { ...emptyTally(), ruleId: c.ruleId, reason: c.reason };
        rules.set(c.ruleId, row);
      }
      count(row, d);
    }
  }
  return {
    total: withPrecision(total),
    answers: [...answers.values()]
      .sort((a, b) => a.order - b.order || a.stepId.localeCompare(b.stepId) || b.sqls - a.sqls)
      .map(({ order: _o, ...row }) => withPrecision(row)),
    rules: [...rules.values()]
      .sort((a, b) => b.sqls - a.sqls || a.ruleId.localeCompare(b.ruleId))
      .map(withPrecision),
  };
}

const pct = (p: number | null) => (p === null ? '   -' : `${Math.round(p * 100)}%`.padStart(4));

/** The report as aligned text. */
export function formatScoringReport(r: ScoringReport): string {
  const line = (t: Tally) =>
    `${String(t.sqls).padStart(4)} ${String(t.claimed).padStart(7)} ${String(t.rejected).padStart(8)} ${String(t.open).padStart(4)} ${pct(t.precision).padStart(9)}`;
  const head = ' SQL claimed rejected open precision';
  const out = [
    `SQL leads: ${r.total.sqls}   claimed: ${r.total.claimed}   rejected: ${r.total.rejected}   no verdict: ${r.total.open}   precision: ${pct(r.total.precision).trim()}`,
  ];
  out.push('', `By answer${' '.repeat(41)}${head}`);
  let step = '';
  for (const a of r.answers) {
    if (a.stepId !== step) out.push(`  ${a.stepId}: ${a.question}`);
    step = a.stepId;
    out.push(`    ${a.answer.slice(0, 44).padEnd(46)}${line(a)}`);
  }
  if (r.answers.length === 0) out.push('  (no SQL lead yet)');
  out.push('', `By scoring rule${' '.repeat(35)}${head}`);
  for (const x of r.rules) out.push(`  ${x.ruleId.slice(0, 46).padEnd(48)}${line(x)}`);
  if (r.rules.length === 0) out.push('  (none)');
  return out.join('\n');
}
