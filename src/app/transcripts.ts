/**
 * Transcripts: scripted conversations with an expected outcome, run through the real
 * engine. `leadbot flows test` and the test suite use the same runner; adapters reuse the
 * files to drive their end-to-end tests.
 *
 * ```yaml
 * flow: default
 * steps:
 *   - command: start
 *     args: [campaign]
 *   - say: Acme
 *   - choose: [approved]
 *   - say: we're ~40 people and it should be live next month
 *     model:   # what the answer interpreter answered (recorded): the engine still judges it
 *       - { step: team_size, value: "40", evidence: "~40 people", confidence: 0.9 }
 * expect: { stage: SQL, score: 120, finalStep: null, alerts: 1 }
 * ```
 *
 * A transcript with recorded model answers runs with an interpreter that replays them (no
 * network, deterministic in CI); one without runs with none, exactly as `leadbot start` does
 * without `LLM_BASE_URL`.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { createEngine } from '../core/engine.ts';
import { LeadbotError } from '../core/errors.ts';
import type { InboundEvent, OutboundMessage } from '../core/events.ts';
import type { FlowCatalog } from '../core/flow/catalog.ts';
import type { AnswerInterpreter, Clock, InterpretedValue, LeadStore, Logger } from '../core/ports/index.ts';
import { STAGES } from '../core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../core/webhooks/lead-events.ts';

/** One value the answer interpreter proposed for the message, as recorded. */
const recordedValue = z.strictObject({
  step: z.string().min(1),
  value: z.string(),
  evidence: z.string(),
  confidence: z.number().min(0).max(1).default(1),
});

const stepSchema = z.union([
  z.strictObject({ say: z.string(), model: z.array(recordedValue).optional() }),
  z.strictObject({ choose: z.array(z.string()).min(1) }),
  z.strictObject({ command: z.string().min(1), args: z.array(z.string()).default([]) }),
]);
export type TranscriptStep = z.infer<typeof stepSchema>;

export const transcriptSchema = z.strictObject({
  flow: z.string().default('default'),
  description: z.string().optional(),
  steps: z.array(stepSchema).min(1),
  expect: z.strictObject({
    stage: z.enum(STAGES as [string, ...string[]]).optional(),
    score: z.number().int().optional(),
    /** The step the conversation waits on at the end; null when it ended. */
    finalStep: z.string().nullable().optional(),
    /** Number of sales alerts in the outbox. */
    alerts: z.number().int().min(0).optional(),
  }),
});
export type Transcript = z.infer<typeof transcriptSchema>;

/**
 * Reads a transcript file (YAML or JSON).
 * @throws LeadbotError BAD_INPUT with the path inside the file.
 */
export async function loadTranscript(path: string): Promise<Transcript> {
  let data: unknown;
  try {
    data = parseYaml(await readFile(path, 'utf8'));
  } catch (err) {
    throw new LeadbotError(
      'BAD_INPUT',
      `${path}: cannot read transcript: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const parsed = transcriptSchema.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new LeadbotError('BAD_INPUT', `${path}: invalid transcript\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export interface TranscriptResult {
  passed: boolean;
  /** One line per unmet expectation. */
  failures: string[];
  stage: string | null;
  score: number | null;
  finalStep: string | null;
  alerts: number;
  /** Every message the bot sent, in order. */
  replies: OutboundMessage[];
}

/** Turns one transcript step into an inbound event from the transcript's person. */
export function transcriptEvent(
  step: TranscriptStep,
  origin: Omit<InboundEvent, 'kind'>,
  lastStepId: string | undefined,
): InboundEvent {
  if ('say' in step) return { ...origin, kind: 'message', text: step.say };
  if ('choose' in step) {
    return { ...origin, kind: 'choice', values: step.choose, ...(lastStepId ? { stepId: lastStepId } : {}) };
  }
  return { ...origin, kind: 'command', name: step.command, args: step.args };
}

/**
 * Plays a transcript against a fresh engine over `store` and checks its expectations.
 * The person is `console:transcript-<n>` so several transcripts can share one store.
 */
export async function runTranscript(
  transcript: Transcript,
  deps: { store: LeadStore; flows: FlowCatalog; clock: Clock; logger: Logger; userId?: string },
): Promise<TranscriptResult> {
  if (!deps.flows.get(transcript.flow)) {
    throw new LeadbotError('BAD_INPUT', `transcript names unknown flow "${transcript.flow}"`);
  }
  // Recorded model answers are replayed for the step being played, never anything else.
  let recorded: InterpretedValue[] = [];
  const replay: AnswerInterpreter = { interpret: async () => recorded };
  const withModel = transcript.steps.some((s) => 'model' in s && s.model);
  // A transcript plays on a throwaway store no webhook endpoint hears of.
  const engine = createEngine({
    ...deps,
    leadEvents: NO_LEAD_EVENTS,
    options: { defaultFlowId: transcript.flow },
    ...(withModel ? { interpreter: replay } : {}),
  });
  const userId =
    deps.userId ?? `transcript-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const replies: OutboundMessage[] = [];
  let lastStepId: string | undefined;
  let n = 0;
  for (const step of transcript.steps) {
    n += 1;
    const origin = {
      platform: 'console' as const,
      workspaceId: '',
      channelId: `console-${userId}`,
      userId,
      isDirect: true,
      eventId: `${userId}-${n}`,
    };
    recorded = ('model' in step && step.model ? step.model : []).map(({ step: stepId, ...v }) => ({
      stepId,
      ...v,
    }));
    const out = await engine.handle(transcriptEvent(step, origin, lastStepId));
    replies.push(...out);
    for (const m of out) if (m.kind === 'question' && m.stepId) lastStepId = m.stepId;
  }
  const lead = await deps.store.findLeadByIdentity({ platform: 'console', workspaceId: '', userId });
  const conversations = lead ? await deps.store.listConversations(lead.id) : [];
  const latest = conversations.reduce<(typeof conversations)[number] | null>(
    (a, c) => (a === null || c.startedAt >= a.startedAt ? c : a),
    null,
  );
  const alerts = lead
    ? (await deps.store.outbox.list({ kind: 'sales_alert' })).filter((o) => o.leadId === lead.id).length
    : 0;
  const result: TranscriptResult = {
    passed: true,
    failures: [],
    stage: lead?.stage ?? null,
    score: lead?.score ?? null,
    finalStep: latest?.currentStep ?? null,
    alerts,
    replies,
  };
  const { expect } = transcript;
  const check = (name: string, want: unknown, got: unknown) => {
    if (want !== undefined && want !== got)
      result.failures.push(`${name}: expected ${String(want)}, got ${String(got)}`);
  };
  check('stage', expect.stage, result.stage);
  check('score', expect.score, result.score);
  check('finalStep', expect.finalStep, result.finalStep);
  check('alerts', expect.alerts, result.alerts);
  result.passed = result.failures.length === 0;
  return result;
}
