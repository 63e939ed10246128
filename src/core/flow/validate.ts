/**
 * Turns raw flow data into a checked {@link Flow}: zod for the shape, then whole-flow checks
 * (unknown step references, unreachable steps, cycles without exit, unknown variables,
 * misplaced options). Every problem names the exact path inside the file.
 */
import { LeadbotError } from '../errors.ts';
import { contentHash } from './hash.ts';
import { type Condition, type FlowDefinition, type FlowStep, flowSchema } from './schema.ts';

/** A validated flow at one version. `definition` is what gets stored with `saveFlowVersion`. */
export interface Flow {
  id: string;
  version: string;
  definition: FlowDefinition;
  startStep: string;
}

/** Variables every conversation has, whatever the flow asks. */
export const BUILTIN_VARIABLES = [
  'platform',
  'campaign',
  'displayName',
  'name',
  'email',
  'phone',
  'company',
  'consent',
];

export const END = 'end';

/** The error thrown for an invalid flow; `problems` lists `path: what is wrong` lines. */
export class FlowInvalidError extends LeadbotError {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super('FLOW_INVALID', `${source}: invalid flow\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'FlowInvalidError';
    this.problems = problems;
  }
}

/**
 * A follow-up that may go by email needs a subject per message, a step that asks for the
 * email (type `email`, so the address is checked before anything is sent to it) and a consent
 * step: email goes only to leads who said yes. Each problem says what to add.
 */
function emailFollowUpProblems(def: FlowDefinition): string[] {
  const fu = def.followUps;
  if (!fu) return [];
  const out: string[] = [];
  const series = [
    { at: 'followUps.nurture', channel: fu.nurture?.channel, items: fu.nurture?.messages ?? [] },
    { at: 'followUps.reengage', channel: fu.reengage?.channel, items: fu.reengage ? [fu.reengage] : [] },
  ].filter((s) => s.channel === 'email' || s.channel === 'chat-then-email');
  if (series.length === 0) return out;
  for (const s of series) {
    s.items.forEach((m, i) => {
      const path = s.at === 'followUps.reengage' ? `${s.at}.subject` : `${s.at}.messages.${i}.subject`;
      if (!m.subject) out.push(`${path}: an email needs a subject (add subject: "…" to this message)`);
    });
  }
  const steps = Object.entries(def.steps);
  const first = series[0]!.at;
  const emailStep = steps.find(([, st]) => st.field === 'email');
  if (!emailStep)
    out.push(
      `${first}.channel: email follow-ups need a step that asks for the email (add a step with type: email and field: email)`,
    );
  else if (emailStep[1].type !== 'email')
    out.push(
      `steps.${emailStep[0]}.type: the step filling the email must be of type email, so the address is checked (set type: email)`,
    );
  if (!steps.some(([, st]) => st.field === 'consent'))
    out.push(
      `${first}.channel: email follow-ups need consent (add a yesno step with field: consent; email goes only to leads who said yes)`,
    );
  return out;
}

/** Step ids a step can lead to (`end` excluded), with the path where each is named. */
export function stepTargets(step: FlowStep): { target: string; path: string }[] {
  const out: { target: string; path: string }[] = [];
  if (typeof step.next === 'string') out.push({ target: step.next, path: 'next' });
  else if (Array.isArray(step.next))
    step.next.forEach((b, i) => {
      out.push({ target: b.goto, path: `next.${i}.goto` });
    });
  if (typeof step.onInvalid === 'object') out.push({ target: step.onInvalid.goto, path: 'onInvalid.goto' });
  return out;
}

/** Where a step goes when the flow is silent: the next step listed, or the end. */
export function defaultNext(def: FlowDefinition, stepId: string): string {
  const ids = Object.keys(def.steps);
  return ids[ids.indexOf(stepId) + 1] ?? END;
}

/** All successors of a step as the engine could take them (including implicit ones). */
function successors(def: FlowDefinition, id: string): string[] {
  const step = def.steps[id]!;
  const out = new Set<string>();
  if (step.next === undefined) out.add(defaultNext(def, id));
  else if (typeof step.next === 'string') out.add(step.next);
  else {
    for (const b of step.next) out.add(b.goto);
    // No branch matching ends the flow, unless the last branch is unconditional.
    if (step.next[step.next.length - 1]?.if !== undefined) out.add(END);
  }
  // Running out of retries skips to the normal next step, jumps, or ends.
  if (step.onInvalid === 'end') out.add(END);
  else if (typeof step.onInvalid === 'object') out.add(step.onInvalid.goto);
  return [...out];
}

function conditionVars(c: Condition, path: string, out: { name: string; path: string }[]): void {
  if ('var' in c) out.push({ name: c.var, path: `${path}.var` });
  else if ('all' in c)
    c.all.forEach((x, i) => {
      conditionVars(x, `${path}.all.${i}`, out);
    });
  else if ('any' in c)
    c.any.forEach((x, i) => {
      conditionVars(x, `${path}.any.${i}`, out);
    });
  else conditionVars(c.not, `${path}.not`, out);
}

function formatZodPath(path: PropertyKey[]): string {
  return path.map(String).join('.') || '(root)';
}

/**
 * Validates raw data (parsed YAML/JSON) as a flow.
 * @param source names the file in the error message.
 * @throws FlowInvalidError listing every problem with its path.
 */
export function parseFlow(raw: unknown, source = 'flow'): Flow {
  const parsed = flowSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${formatZodPath(i.path)}: ${i.message}`);
    throw new FlowInvalidError(source, problems);
  }
  const def = parsed.data;
  const problems: string[] = [];
  const ids = Object.keys(def.steps);
  const startStep = def.start ?? ids[0]!;
  if (def.start !== undefined && !(def.start in def.steps))
    problems.push(`start: unknown step "${def.start}"`);

  const variables = new Set(BUILTIN_VARIABLES);
  for (const [id, step] of Object.entries(def.steps)) {
    variables.add(step.set ?? id);
    const at = `steps.${id}`;
    for (const t of stepTargets(step)) {
      if (t.target !== END && !(t.target in def.steps))
        problems.push(`${at}.${t.path}: unknown step "${t.target}"`);
    }
    const isChoice = step.type === 'choice' || step.type === 'multichoice';
    if (isChoice && !step.options) problems.push(`${at}.options: a ${step.type} step needs options`);
    if (!isChoice && step.options)
      problems.push(`${at}.options: only choice and multichoice steps take options`);
    if (step.options) {
      const seen = new Set<string>();
      step.options.forEach((o, i) => {
        const key = o.value.toLowerCase();
        if (seen.has(key)) problems.push(`${at}.options.${i}.value: duplicate value "${o.value}"`);
        seen.add(key);
      });
    }
    if (step.min !== undefined && step.max !== undefined && step.min > step.max) {
      problems.push(`${at}.min: greater than max`);
    }
    if (step.field === 'consent' && step.type !== 'yesno')
      problems.push(`${at}.field: consent needs a yesno step`);
  }

  const conds: { name: string; path: string }[] = [];
  for (const [id, step] of Object.entries(def.steps)) {
    if (Array.isArray(step.next)) {
      step.next.forEach((b, i) => {
        if (b.if) conditionVars(b.if, `steps.${id}.next.${i}.if`, conds);
      });
    }
  }
  def.scoring.rules.forEach((r, i) => {
    conditionVars(r.when, `scoring.rules.${i}.when`, conds);
  });
  def.scoring.hard.forEach((r, i) => {
    conditionVars(r.when, `scoring.hard.${i}.when`, conds);
  });
  for (const c of conds) if (!variables.has(c.name)) problems.push(`${c.path}: unknown variable "${c.name}"`);
  const ruleIds = new Set<string>();
  [...def.scoring.rules, ...def.scoring.hard].forEach((r) => {
    if (ruleIds.has(r.id)) problems.push(`scoring: duplicate rule id "${r.id}"`);
    ruleIds.add(r.id);
  });

  problems.push(...emailFollowUpProblems(def));

  if (problems.length === 0) {
    // Reachability from the start, then which steps can still reach the end.
    const reachable = new Set<string>([startStep]);
    const queue = [startStep];
    while (queue.length > 0) {
      for (const n of successors(def, queue.shift()!)) {
        if (n !== END && !reachable.has(n)) {
          reachable.add(n);
          queue.push(n);
        }
      }
    }
    for (const id of ids)
      if (!reachable.has(id)) problems.push(`steps.${id}: unreachable from "${startStep}"`);
    const canEnd = new Set<string>();
    let changed = true;
    while (changed) {
      changed = false;
      for (const id of ids) {
        if (!canEnd.has(id) && successors(def, id).some((n) => n === END || canEnd.has(n))) {
          canEnd.add(id);
          changed = true;
        }
      }
    }
    for (const id of ids) {
      if (reachable.has(id) && !canEnd.has(id))
        problems.push(`steps.${id}.next: cycle without exit (never reaches the end)`);
    }
  }

  if (problems.length > 0) throw new FlowInvalidError(source, problems);
  // Step order is meaning (first step, implicit next), so it is hashed along with the content.
  return { id: def.id, version: contentHash({ def, order: ids }), definition: def, startStep };
}
