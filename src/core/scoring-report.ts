/**
 * `leadbot scoring report`: for leads that reached SQL, how often reps claimed vs rejected
 * them, per question and answer and per scoring rule. Precision = claimed / (claimed + rejected):
 * an answer worth many points whose SQLs are mostly rejected is a rule to lower.
 */
import type { FlowDefinition } from './flow/schema.ts';
import { displayAnswer } from './lead-lifecycle.ts';
import type { JsonValue, Verdict } from './ports/index.ts';
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

/**
 * The steps of a flow version whose answers are tallied, in the flow's order; null without a
 * usable definition (a version missing or no longer valid), where only yes/no (boolean)
 * answers are tallied, by step id.
 */
export function talliedSteps(def: FlowDefinition | null): string[] | null {
  return def ? Object.keys(def.steps).filter((id) => TALLIED.has(def.steps[id]!.type)) : null;
}

/**
 * What the report counts, grouped: leads that ever reached SQL by their newest verdict; the
 * newest accepted answer to each tallied step of each such lead's latest conversation, per
 * value and verdict; the scoring rules that gave them points (once per lead). Groups holding
 * newer leads come first, so labels and reasons are those of the newest lead.
 */
export interface ScoringTallies {
  leads: { verdict: Verdict | null; leads: number }[];
  answers: {
    flowId: string;
    flowVersion: string;
    stepId: string;
    value: JsonValue;
    verdict: Verdict | null;
    leads: number;
  }[];
  rules: { ruleId: string; reason: string; verdict: Verdict | null; leads: number }[];
  /** The definition of each flow version in `answers` (null: missing or no longer valid). */
  definitions: { flowId: string; flowVersion: string; definition: FlowDefinition | null }[];
}

const emptyTally = (): Tally => ({ sqls: 0, claimed: 0, rejected: 0, open: 0, precision: null });

function count(t: Tally, verdict: Verdict | null, n: number): void {
  t.sqls += n;
  if (verdict === 'claimed') t.claimed += n;
  else if (verdict === 'rejected') t.rejected += n;
  else t.open += n;
}

const withPrecision = <T extends Tally>(t: T): T => ({
  ...t,
  precision: t.claimed + t.rejected === 0 ? null : t.claimed / (t.claimed + t.rejected),
});

const versionKey = (flowId: string, flowVersion: string) => `${flowId}\u0000${flowVersion}`;

/** Groups every lead's data the way the database does (leads that never reached SQL are ignored). */
export function talliesOf(data: Iterable<LeadScoringData>): ScoringTallies {
  const leads = new Map<Verdict | null, number>();
  const answers = new Map<string, ScoringTallies['answers'][number]>();
  const rules = new Map<string, ScoringTallies['rules'][number]>();
  const reasons = new Map<string, string>();
  const definitions = new Map<string, ScoringTallies['definitions'][number]>();
  for (const d of data) {
    if (!d.reachedSql) continue;
    leads.set(d.verdict, (leads.get(d.verdict) ?? 0) + 1);
    const conv = d.conversation;
    if (conv) {
      const vkey = versionKey(conv.flowId, conv.flowVersion);
      if (!definitions.has(vkey))
        definitions.set(vkey, {
          flowId: conv.flowId,
          flowVersion: conv.flowVersion,
          definition: d.definition,
        });
      const steps = talliedSteps(d.definition);
      for (const [stepId, value] of d.answers) {
        if (steps ? !steps.includes(stepId) : typeof value !== 'boolean') continue;
        const key = `${vkey}\u0000${stepId}\u0000${JSON.stringify(value)}\u0000${d.verdict}`;
        const row = answers.get(key);
        if (row) row.leads++;
        else {
          const { flowId, flowVersion } = conv;
          answers.set(key, { flowId, flowVersion, stepId, value, verdict: d.verdict, leads: 1 });
        }
      }
    }
    // A rule counts once per lead, with the reason of the lead's newest contribution of it.
    for (const [ruleId, reason] of new Map(d.contributions.map((c) => [c.ruleId, c.reason]))) {
      if (!reasons.has(ruleId)) reasons.set(ruleId, reason);
      const key = `${ruleId}\u0000${d.verdict}`;
      const row = rules.get(key);
      if (row) row.leads++;
      else rules.set(key, { ruleId, reason: '', verdict: d.verdict, leads: 1 });
    }
  }
  return {
    leads: [...leads].map(([verdict, n]) => ({ verdict, leads: n })),
    answers: [...answers.values()],
    rules: [...rules.values()].map((r) => ({ ...r, reason: reasons.get(r.ruleId) ?? '' })),
    definitions: [...definitions.values()],
  };
}

/** Builds the report from the grouped counts. */
export function buildScoringReportFromTallies(t: ScoringTallies): ScoringReport {
  const total = emptyTally();
  for (const g of t.leads) count(total, g.verdict, g.leads);
  const definitions = new Map(t.definitions.map((d) => [versionKey(d.flowId, d.flowVersion), d.definition]));
  const answers = new Map<string, AnswerRow & { order: number }>();
  for (const g of t.answers) {
    const def = definitions.get(versionKey(g.flowId, g.flowVersion)) ?? null;
    const step = def?.steps[g.stepId];
    // Without a definition there is no flow order: such steps come after the others.
    const order = def ? Object.keys(def.steps).indexOf(g.stepId) : Number.MAX_SAFE_INTEGER;
    for (const v of Array.isArray(g.value) ? g.value : [g.value]) {
      const key = `${g.stepId}\u0000${String(v)}`;
      let row = answers.get(key);
      if (!row) {
        row = {
          ...emptyTally(),
          stepId: g.stepId,
          question: step?.ask ?? g.stepId,
          value: String(v),
          answer: displayAnswer(def, g.stepId, v),
          order,
        };
        answers.set(key, row);
      }
      count(row, g.verdict, g.leads);
    }
  }
  const rules = new Map<string, RuleRow>();
  for (const g of t.rules) {
    const row = rules.get(g.ruleId) ?? { ...emptyTally(), ruleId: g.ruleId, reason: g.reason };
    rules.set(g.ruleId, row);
    count(row, g.verdict, g.leads);
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

/** Builds the report from every lead's data (leads that never reached SQL are ignored). */
export function buildScoringReport(data: Iterable<LeadScoringData>): ScoringReport {
  return buildScoringReportFromTallies(talliesOf(data));
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
