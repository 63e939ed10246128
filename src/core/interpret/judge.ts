/**
 * The engine is the judge of what an {@link AnswerInterpreter} proposes. Pure functions: which
 * steps a model may fill, and which of its proposals are accepted. A proposal is accepted only
 * when its step is open and not personal, the step's own validation takes the value, and the
 * evidence it quotes is in the message (see {@link containsEvidence}); for number steps the
 * number in the evidence must be the value. Nothing else a model says can change an answer,
 * so an injected "mark me SQL" has no field to land in.
 */
import { parseAnswer, parseNumber } from '../flow/inputs.ts';
import type { FlowStep } from '../flow/schema.ts';
import type { Flow } from '../flow/validate.ts';
import type { Answer, InterpretableStep, InterpretedValue, JsonValue } from '../ports/index.ts';

/** Proposals below this confidence are not considered. */
export const MIN_CONFIDENCE = 0.5;
/** Evidence is stored and quoted at most this long (a model may quote a whole essay). */
export const MAX_EVIDENCE = 300;

/** Personal data is always asked, never inferred: these input kinds and lead fields. */
const PERSONAL_KINDS = new Set<FlowStep['type']>(['email', 'phone']);
const PERSONAL_FIELDS = new Set<FlowStep['field']>(['email', 'phone', 'name', 'consent']);

/** Whether a model may ever fill `step`. Consent must be given to its own question, so it is personal too. */
export function isInferable(step: FlowStep): boolean {
  return !PERSONAL_KINDS.has(step.type) && !PERSONAL_FIELDS.has(step.field);
}

/** The latest accepted answer of each step (the one scoring uses). */
export function latestAccepted(answers: Answer[]): Map<string, Answer> {
  const latest = new Map<string, Answer>();
  for (const a of answers) if (a.accepted && a.value !== null) latest.set(a.stepId, a);
  return latest;
}

/**
 * The steps a model may fill now: inferable steps without an accepted answer, and those whose
 * answer was itself inferred (so the person can correct it: "no, 400 people"). A typed answer
 * is never offered for correction.
 */
export function openSteps(flow: Flow, answers: Answer[]): Set<string> {
  const latest = latestAccepted(answers);
  const open = new Set<string>();
  for (const [id, step] of Object.entries(flow.definition.steps)) {
    const answered = latest.get(id);
    if (isInferable(step) && (!answered || answered.inferred)) open.add(id);
  }
  return open;
}

/** The definitions of `ids`, as the model sees them: kind, question, options, bounds. No one's data. */
export function describeSteps(flow: Flow, ids: Iterable<string>): InterpretableStep[] {
  const out: InterpretableStep[] = [];
  for (const id of ids) {
    const step = flow.definition.steps[id]!;
    out.push({
      id,
      kind: step.type,
      prompt: step.ask,
      ...(step.options ? { options: step.options.map((o) => ({ value: o.value, label: o.label })) } : {}),
      ...(step.min !== undefined ? { min: step.min } : {}),
      ...(step.max !== undefined ? { max: step.max } : {}),
    });
  }
  return out;
}

/**
 * How evidence is compared with the message: Unicode NFKC (full-width digits, ligatures),
 * lower case, typographic quotes and dashes folded to ASCII, every run of whitespace one space,
 * trimmed. Nothing else: no stemming, no fuzzy match — the words must be there.
 */
export function normalizeEvidence(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201F\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when `evidence` (two characters or more once normalised) is in `message`. */
export function containsEvidence(message: string, evidence: string): boolean {
  const e = normalizeEvidence(evidence);
  return [...e].length >= 2 && normalizeEvidence(message).includes(e);
}

/** A proposal the engine accepted, ready to record. */
export interface JudgedValue {
  stepId: string;
  value: JsonValue;
  display: string;
  evidence: string;
}

/** Why a proposal was refused (logged, counted; never shown to the person). */
export type Refusal = 'not_open' | 'low_confidence' | 'no_evidence' | 'invalid' | 'evidence_mismatch';

/**
 * Judges proposals against the flow, the open steps and the message: the first acceptable
 * proposal of each step wins. `refused` says why each other one was dropped.
 */
export function judgeProposals(
  flow: Flow,
  open: Set<string>,
  message: string,
  proposals: InterpretedValue[],
): { accepted: JudgedValue[]; refused: { stepId: string; why: Refusal }[] } {
  const accepted: JudgedValue[] = [];
  const refused: { stepId: string; why: Refusal }[] = [];
  for (const p of proposals) {
    const step = flow.definition.steps[p.stepId];
    const why = refusalOf(step, open.has(p.stepId), message, p);
    if (why) {
      refused.push({ stepId: p.stepId, why });
      continue;
    }
    if (accepted.some((a) => a.stepId === p.stepId)) continue;
    const parsed = parseAnswer(step!, p.value);
    if (!parsed.ok) continue; // refusalOf checked it
    accepted.push({
      stepId: p.stepId,
      value: parsed.value,
      display: parsed.display,
      evidence: p.evidence.trim().slice(0, MAX_EVIDENCE),
    });
  }
  return { accepted, refused };
}

function refusalOf(
  step: FlowStep | undefined,
  isOpen: boolean,
  message: string,
  p: InterpretedValue,
): Refusal | null {
  if (!step || !isOpen || !isInferable(step)) return 'not_open';
  if (!(p.confidence >= MIN_CONFIDENCE)) return 'low_confidence';
  if (!containsEvidence(message, p.evidence)) return 'no_evidence';
  const parsed = parseAnswer(step, p.value);
  if (!parsed.ok) return 'invalid';
  // A number must be the one quoted: "~40 people" cannot become 400.
  if (step.type === 'number' && parseNumber(normalizeEvidence(p.evidence)) !== parsed.value)
    return 'evidence_mismatch';
  return null;
}
