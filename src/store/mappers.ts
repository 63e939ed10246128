/** Database rows ↔ port types (and a lead listing's filter). One place, so both providers and every query agree. */

import { LeadbotError } from '../core/errors.ts';
import type {
  Answer,
  Conversation,
  ConversationStatus,
  Identity,
  JsonValue,
  Lead,
  LeadFilter,
  LeadPatch,
  Note,
  OutboxItem,
  OutboxStatus,
  ScoreContribution,
  Stage,
  StageChange,
} from '../core/ports/index.ts';
import type * as Rows from './generated/sqlite/client.ts';
import type { Prisma } from './prisma-types.ts';

export type Row<
  T extends
    | 'Lead'
    | 'Identity'
    | 'Conversation'
    | 'Answer'
    | 'ScoreContribution'
    | 'StageChange'
    | 'Note'
    | 'OutboxMessage',
> = T extends 'Lead'
  ? Rows.Lead
  : T extends 'Identity'
    ? Rows.Identity
    : T extends 'Conversation'
      ? Rows.Conversation
      : T extends 'Answer'
        ? Rows.Answer
        : T extends 'ScoreContribution'
          ? Rows.ScoreContribution
          : T extends 'StageChange'
            ? Rows.StageChange
            : T extends 'Note'
              ? Rows.Note
              : Rows.OutboxMessage;

export function toLead(r: Row<'Lead'>): Lead {
  return {
    id: r.id,
    stage: r.stage as Stage,
    score: r.score,
    ownerId: r.ownerId,
    name: r.name,
    email: r.email,
    phone: r.phone,
    company: r.company,
    consent: r.consent,
    consentAt: r.consentAt,
    invitedBy: r.invitedBy,
    reachedMqlAt: r.reachedMqlAt,
    reachedSqlAt: r.reachedSqlAt,
    openHandoffId: r.openHandoffId,
    source: {
      platform: r.sourcePlatform,
      workspaceId: r.sourceWorkspace,
      channelId: r.sourceChannel,
      campaign: r.sourceCampaign,
      workspaceName: r.sourceWorkspaceName,
      channelName: r.sourceChannelName,
    },
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** A Lead row as a raw statement returns it: SQLite gives dates as ISO text and booleans as 0/1. */
export type RawLeadRow = Omit<
  Row<'Lead'>,
  'consent' | 'consentAt' | 'reachedMqlAt' | 'reachedSqlAt' | 'createdAt' | 'updatedAt'
> & {
  consent: boolean | number;
  consentAt: Date | string | null;
  reachedMqlAt: Date | string | null;
  reachedSqlAt: Date | string | null;
  createdAt: Date | string;
  updatedAt: Date | string;
};

const rawDate = (v: Date | string | null): Date | null => (v === null || v instanceof Date ? v : new Date(v));

/** {@link toLead} of a raw row (reporting statements, SQLite's reader worker). */
export function rawLead(r: RawLeadRow): Lead {
  return toLead({
    ...r,
    consent: Boolean(r.consent),
    consentAt: rawDate(r.consentAt),
    reachedMqlAt: rawDate(r.reachedMqlAt),
    reachedSqlAt: rawDate(r.reachedSqlAt),
    createdAt: rawDate(r.createdAt)!,
    updatedAt: rawDate(r.updatedAt)!,
  });
}

/** The columns a lead patch (or a new lead) writes; undefined fields are left alone. */
export function leadColumns(p: LeadPatch): Partial<Omit<Prisma.LeadUncheckedCreateInput, 'id'>> {
  const out: Record<string, unknown> = {
    stage: p.stage,
    score: p.score,
    ownerId: p.ownerId,
    name: p.name,
    email: p.email,
    phone: p.phone,
    company: p.company,
    consent: p.consent,
    consentAt: p.consentAt,
    invitedBy: p.invitedBy,
    reachedMqlAt: p.reachedMqlAt,
    reachedSqlAt: p.reachedSqlAt,
    openHandoffId: p.openHandoffId,
    sourcePlatform: p.source?.platform,
    sourceWorkspace: p.source?.workspaceId,
    sourceChannel: p.source?.channelId,
    sourceCampaign: p.source?.campaign,
    sourceWorkspaceName: p.source?.workspaceName,
    sourceChannelName: p.source?.channelName,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as Partial<Omit<Prisma.LeadUncheckedCreateInput, 'id'>>;
}

export function toIdentity(r: Row<'Identity'>): Identity {
  return {
    id: r.id,
    leadId: r.leadId,
    platform: r.platform,
    workspaceId: r.workspaceId,
    userId: r.userId,
    username: r.username,
    displayName: r.displayName,
    profileUrl: r.profileUrl,
    chatId: r.chatId,
    createdAt: r.createdAt,
  };
}

export function toConversation(r: Row<'Conversation'>): Conversation {
  return {
    id: r.id,
    leadId: r.leadId,
    flowId: r.flowId,
    flowVersion: r.flowVersion,
    currentStep: r.currentStep,
    status: r.status as ConversationStatus,
    platform: r.platform,
    workspaceId: r.workspaceId,
    channelId: r.channelId,
    variables: (r.variables ?? {}) as Record<string, JsonValue>,
    attempts: r.attempts,
    version: r.version,
    startedAt: r.startedAt,
    lastActivityAt: r.lastActivityAt,
    endedAt: r.endedAt,
  };
}

export function toAnswer(r: Row<'Answer'>): Answer {
  return {
    id: r.id,
    conversationId: r.conversationId,
    stepId: r.stepId,
    value: (r.value ?? null) as JsonValue | null,
    rawText: r.rawText,
    attempt: r.attempt,
    accepted: r.accepted,
    inferred: r.inferred,
    evidence: r.evidence,
    createdAt: r.createdAt,
  };
}

export function toContribution(r: Row<'ScoreContribution'>): ScoreContribution {
  return {
    id: r.id,
    leadId: r.leadId,
    conversationId: r.conversationId,
    ruleId: r.ruleId,
    stepId: r.stepId,
    points: r.points,
    reason: r.reason,
    createdAt: r.createdAt,
  };
}

export function toStageChange(r: Row<'StageChange'>): StageChange {
  return {
    id: r.id,
    leadId: r.leadId,
    from: r.fromStage as Stage | null,
    to: r.toStage as Stage,
    reason: r.reason,
    actor: r.actor,
    createdAt: r.createdAt,
  };
}

export function toNote(r: Row<'Note'>): Note {
  return { id: r.id, leadId: r.leadId, author: r.author, text: r.text, createdAt: r.createdAt };
}

export function toOutboxItem(r: Row<'OutboxMessage'>): OutboxItem {
  return {
    id: r.id,
    kind: r.kind,
    idempotencyKey: r.idempotencyKey,
    leadId: r.leadId,
    payload: r.payload as JsonValue,
    status: r.status as OutboxStatus,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt,
    deliveredAt: r.deliveredAt,
    externalRef: r.externalRef,
    lastError: r.lastError,
    createdAt: r.createdAt,
  };
}

/**
 * The `where` of a lead listing: its filters, and after a cursor the rows strictly "older"
 * than the last one shown (newest first).
 * @throws LeadbotError BAD_INPUT for a cursor that is not one of ours.
 */
export function leadFilterWhere(filter: LeadFilter): Prisma.LeadWhereInput {
  const and: Prisma.LeadWhereInput[] = [];
  if (filter.stage) and.push({ stage: filter.stage });
  if (filter.ownerId) and.push({ ownerId: filter.ownerId });
  if (filter.source) and.push({ OR: [{ sourcePlatform: filter.source }, { sourceCampaign: filter.source }] });
  if (filter.since) and.push({ createdAt: { gte: filter.since } });
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor);
    if (!c) throw new LeadbotError('BAD_INPUT', 'invalid page cursor');
    // `createdAt <= c AND (createdAt < c OR id < c.id)`: the same rows as `createdAt < c OR
    // (createdAt = c AND id < c.id)`, but its first term is a range the createdAt index seeks to.
    // The plain OR made both databases scan every newer lead for each page (an export of
    // 100,000 leads took 40 s on SQLite; quadratic in the number of leads).
    and.push({ createdAt: { lte: c.createdAt } });
    and.push({ OR: [{ createdAt: { lt: c.createdAt } }, { id: { lt: c.id } }] });
  }
  return { AND: and };
}

/** Opaque keyset cursor over (createdAt, id). */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

/** @returns null for a cursor that is not one of ours (treated as "first page" by no caller: they get BAD_INPUT). */
export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(createdAt.getTime())) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}
