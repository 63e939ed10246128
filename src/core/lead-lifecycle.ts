/**
 * A lead's life: created, stage changed (disqualified), claimed, forgotten — shared by the
 * engine, manager commands and the sales alert buttons. Every function takes the transaction's
 * {@link LeadRepo} and the {@link LeadEvents} it announces the change to, so the lead update,
 * its audit row, (on SQL) the sales alert outbox row and the lead event rows commit together.
 */
import { LeadbotError } from './errors.ts';
import type { FlowDefinition } from './flow/schema.ts';
import { render } from './flow/template.ts';
import { parseFlow } from './flow/validate.ts';
import type { NewIdentity } from './lead-rows.ts';
import type {
  AlertPayload,
  JsonValue,
  Lead,
  LeadEvents,
  LeadRepo,
  NewLead,
  Stage,
  StageChange,
} from './ports/index.ts';

export const SALES_ALERT = 'sales_alert';

export interface ChangeStageInput {
  leadId: string;
  to: Stage;
  reason: string;
  /** `engine`, `system`, or a manager such as `slack:U123`. */
  actor: string;
  now: Date;
  /** The flow and conversation behind the change; found from the lead's latest conversation if absent. */
  flow?: { definition: FlowDefinition; conversationId: string };
  /** The lead as the caller just read or wrote it in this transaction; saves reading it again. */
  current?: Lead;
}

export interface ChangeStageResult {
  lead: Lead;
  /** Null when the lead already was at `to` (nothing written). */
  change: StageChange | null;
  /** True when a sales alert row was written to the outbox. */
  alertQueued: boolean;
}

/** The text shown for an answer value: option labels for choices, yes/no for booleans. */
export function displayAnswer(def: FlowDefinition | null, stepId: string, value: JsonValue | null): string {
  const options = def?.steps[stepId]?.options;
  const label = (v: JsonValue) => options?.find((o) => o.value === v)?.label ?? String(v);
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(label).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return label(value);
}

async function resolveFlow(
  tx: LeadRepo,
  leadId: string,
  given: ChangeStageInput['flow'],
): Promise<{ definition: FlowDefinition | null; conversationId: string | null }> {
  if (given) return given;
  const conversations = await tx.listConversations(leadId);
  const latest = conversations.reduce<(typeof conversations)[number] | null>(
    (a, c) => (a === null || c.startedAt >= a.startedAt ? c : a),
    null,
  );
  if (!latest) return { definition: null, conversationId: null };
  const stored = await tx.getFlowVersion(latest.flowId, latest.flowVersion);
  let definition: FlowDefinition | null = null;
  try {
    definition = stored ? parseFlow(stored).definition : null;
  } catch {
    definition = null; // An old stored flow that no longer validates: fall back to step ids.
  }
  return { definition, conversationId: latest.id };
}

/** Builds the platform-neutral sales alert for a lead. */
export async function buildAlertPayload(
  tx: LeadRepo,
  lead: Lead,
  reason: string,
  flow: { definition: FlowDefinition | null; conversationId: string | null },
): Promise<AlertPayload> {
  const answers: AlertPayload['answers'] = [];
  if (flow.conversationId) {
    const conv = await tx.getConversation(flow.conversationId);
    const latest = new Map<string, JsonValue | null>();
    for (const a of await tx.listAnswers(flow.conversationId)) if (a.accepted) latest.set(a.stepId, a.value);
    const order = flow.definition ? Object.keys(flow.definition.steps) : [...latest.keys()];
    for (const stepId of order) {
      if (!latest.has(stepId)) continue;
      const ask = flow.definition?.steps[stepId]?.ask;
      answers.push({
        stepId,
        question: ask ? render(ask, conv?.variables ?? {}) : stepId,
        answer: displayAnswer(flow.definition, stepId, latest.get(stepId) ?? null),
      });
    }
  }
  const breakdown = (await tx.listScoreContributions(lead.id)).map((c) => ({
    ruleId: c.ruleId,
    points: c.points,
    reason: c.reason,
  }));
  return {
    leadId: lead.id,
    name: lead.name,
    company: lead.company,
    email: lead.email,
    platform: lead.source.platform,
    source: lead.source,
    stage: lead.stage,
    score: lead.score,
    reason,
    answers,
    breakdown,
    conversationId: flow.conversationId,
    people: (await tx.listIdentities(lead.id)).map((i) => ({
      platform: i.platform,
      workspaceId: i.workspaceId,
      userId: i.userId,
      displayName: i.displayName,
      username: i.username,
      profileUrl: i.profileUrl,
    })),
  };
}

/**
 * Moves a lead to another stage: updates it (and, on its first arrival at MQL or SQL, its
 * `reachedMqlAt`/`reachedSqlAt`), writes the StageChange audit row, announces the change
 * (and a disqualification) and, when `to` is SQL, writes the `sales_alert` outbox row keyed
 * `sales_alert:<stageChangeId>`.
 * @throws LeadbotError NOT_FOUND when the lead does not exist.
 */
export async function changeStage(
  tx: LeadRepo,
  events: LeadEvents,
  input: ChangeStageInput,
): Promise<ChangeStageResult> {
  const current = input.current?.id === input.leadId ? input.current : await tx.getLead(input.leadId);
  if (!current) throw new LeadbotError('NOT_FOUND', `lead ${input.leadId} not found`);
  if (current.stage === input.to) return { lead: current, change: null, alertQueued: false };
  // The first arrival at MQL or SQL is kept on the lead, so reporting reads it from an index
  // instead of the stage history.
  const lead = await tx.updateLead(input.leadId, {
    stage: input.to,
    ...(input.to === 'MQL' && !current.reachedMqlAt ? { reachedMqlAt: input.now } : {}),
    ...(input.to === 'SQL' && !current.reachedSqlAt ? { reachedSqlAt: input.now } : {}),
  });
  const change = await tx.addStageChange({
    leadId: input.leadId,
    from: current.stage,
    to: input.to,
    reason: input.reason,
    actor: input.actor,
    createdAt: input.now,
  });
  await events.announce(tx, { kind: 'stage_changed', lead, change });
  if (input.to === 'disqualified') await events.announce(tx, { kind: 'disqualified', lead, change });
  let alertQueued = false;
  if (input.to === 'SQL') {
    const flow = await resolveFlow(tx, input.leadId, input.flow);
    const payload = await buildAlertPayload(tx, lead, input.reason, flow);
    alertQueued = await tx.enqueueOutbox({
      kind: SALES_ALERT,
      idempotencyKey: `${SALES_ALERT}:${change.id}`,
      leadId: lead.id,
      payload: payload as unknown as JsonValue,
    });
  }
  return { lead, change, alertQueued };
}

/**
 * Creates a lead (with its first account) and announces it.
 * @throws LeadbotError DUPLICATE when the account belongs to a lead already.
 */
export async function createLead(
  tx: LeadRepo,
  events: LeadEvents,
  input: NewLead,
  identity?: NewIdentity,
): Promise<Lead> {
  const lead = await tx.createLead(input, identity);
  await events.announce(tx, { kind: 'created', lead });
  return lead;
}

/**
 * Sets (or clears, with null) the lead's owner and leaves a note saying who did it; a new
 * owner is announced as a claim.
 * @throws LeadbotError NOT_FOUND when the lead does not exist.
 */
export async function assignOwner(
  tx: LeadRepo,
  events: LeadEvents,
  leadId: string,
  ownerId: string | null,
  actor: string,
  now: Date,
): Promise<Lead> {
  const current = await tx.getLead(leadId);
  if (!current) throw new LeadbotError('NOT_FOUND', `lead ${leadId} not found`);
  const lead = await tx.updateLead(leadId, { ownerId });
  await tx.addNote({ leadId, author: actor, text: ownerId ? `Owner set to ${ownerId}` : 'Owner cleared' });
  if (ownerId && ownerId !== current.ownerId)
    await events.announce(tx, { kind: 'claimed', lead, ownerId, at: now });
  return lead;
}

/**
 * Erases the lead and every row that belongs to it, and announces that (by id only). Returns
 * whether it existed; erasing an unknown lead announces nothing.
 */
export async function forgetLead(tx: LeadRepo, events: LeadEvents, leadId: string): Promise<boolean> {
  const existed = (await tx.getLead(leadId)) !== null;
  await tx.deleteLead(leadId);
  if (existed) await events.announce(tx, { kind: 'forgotten', leadId });
  return existed;
}
