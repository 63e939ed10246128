/**
 * Lead events sent to webhooks (schema documented in docs/webhooks.md). One event is one JSON
 * object; `id` is stable per event, so a receiver can drop a retried delivery it already has.
 */
import type { Lead, LeadSource, Stage } from '../ports/index.ts';

export const LEAD_EVENT_TYPES = [
  'lead.created',
  'lead.stage_changed',
  'lead.claimed',
  'lead.disqualified',
  'lead.forgotten',
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
