/**
 * Lead events sent to webhooks (schema documented in docs/webhooks.md). One event is one JSON
 * object; `id` is stable per event, so a receiver can drop a retried delivery it already has.
 */
import type { Handoff, Lead, LeadSource, Stage, TranscriptDirection } from '../ports/index.ts';

export const LEAD_EVENT_TYPES = [
  'lead.created',
  'lead.stage_changed',
  'lead.claimed',
  'lead.disqualified',
  'lead.forgotten',
  'lead.handoff_started',
  'lead.message',
  'lead.handoff_closed',
] as const;
export type LeadEventType = (typeof LEAD_EVENT_TYPES)[number];

/** The lead as a webhook sees it (no internal fields). */
export interface WebhookLead {
  id: string;
  stage: Stage;
  score: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  ownerId: string | null;
  consent: boolean;
  source: LeadSource;
  createdAt: string;
}

export interface LeadEvent {
  /** Unique per event; the same in every retry. */
  id: string;
  type: LeadEventType;
  /** ISO 8601. */
  occurredAt: string;
  /** Absent for `lead.forgotten`: only the id of an erased lead leaves the system. */
  lead?: WebhookLead;
  leadId: string;
  /** For `lead.stage_changed` and `lead.disqualified`. */
  change?: { from: Stage | null; to: Stage; reason: string; actor: string };
  /** For `lead.claimed`: who took it. */
  ownerId?: string;
  /** For `lead.handoff_started` and `lead.handoff_closed`: the rep's conversation with the person. */
  handoff?: WebhookHandoff;
  /**
   * For `lead.message`: one relayed message, the rep's or the person's (the core announces no
   * `notice`: the bot's joined/closed lines are the handoff events).
   */
  message?: {
    id: string;
    handoffId: string;
    direction: TranscriptDirection;
    /** `<platform>:<userId>` of the rep or of the person's account. */
    author: string;
    authorName: string | null;
    text: string;
    createdAt: string;
  };
}

export interface WebhookHandoff {
  id: string;
  /** The rep who opened it (`<platform>:<userId>`) and their name. */
  openedBy: string;
  openedByName: string | null;
  openedAt: string;
  /** The platform the person is reached on. */
  platform: string;
  closedAt: string | null;
  closedBy: string | null;
}

export function webhookHandoff(h: Handoff): WebhookHandoff {
  return {
    id: h.id,
    openedBy: h.openedBy,
    openedByName: h.openedByName,
    openedAt: h.openedAt.toISOString(),
    platform: h.prospect.platform,
    closedAt: h.closedAt?.toISOString() ?? null,
    closedBy: h.closedBy,
  };
}

export function webhookLead(lead: Lead): WebhookLead {
  return {
    id: lead.id,
    stage: lead.stage,
    score: lead.score,
    name: lead.name,
    email: lead.email,
    phone: lead.phone,
    company: lead.company,
    ownerId: lead.ownerId,
    consent: lead.consent,
    source: { ...lead.source },
    createdAt: lead.createdAt.toISOString(),
  };
}

/** The outbox row payload of kind `webhook`: one row per event and endpoint. */
export interface WebhookJob {
  url: string;
  format: WebhookFormat;
  event: LeadEvent;
}

export type WebhookFormat = 'leadbot' | 'hubspot';

export function isWebhookJob(v: unknown): v is WebhookJob {
  if (typeof v !== 'object' || v === null) return false;
  const j = v as Record<string, unknown>;
  const e = j.event as Record<string, unknown> | undefined;
  return (
    typeof j.url === 'string' &&
    (j.format === 'leadbot' || j.format === 'hubspot') &&
    typeof e === 'object' &&
    e !== null &&
    typeof e.id === 'string' &&
    typeof e.type === 'string' &&
    typeof e.leadId === 'string'
  );
}
