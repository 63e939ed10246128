/**
 * Lead events into the outbox: the {@link LeadEvents} port the lead lifecycle announces its
 * changes to (src/core/lead-lifecycle.ts). Each event becomes one `webhook` outbox row per
 * configured endpoint, written through the lifecycle's transaction, so it commits with the
 * change; with no endpoint configured nothing is written. Delivery, retries and the delivery
 * log are the outbox's (see sink.ts).
 */
import type { Clock, JsonValue, LeadEvents, LeadLifecycleEvent, LeadRepo } from '../ports/index.ts';
import {
  type LeadEvent,
  type WebhookFormat,
  type WebhookJob,
  webhookHandoff,
  webhookLead,
} from './events.ts';

export const WEBHOOK_KIND = 'webhook';

/** The endpoints from the configuration (`WEBHOOK_URLS`, `WEBHOOK_FORMAT`). */
export interface WebhookEndpoints {
  urls: string[];
  format: WebhookFormat;
}

/** For runs whose leads no endpoint hears of (a flow's transcript test): announces nothing. */
export const NO_LEAD_EVENTS: LeadEvents = { announce: async () => {} };

/** The webhook body of a lifecycle event; its id is stable per event (the same in every retry). */
function toWebhookEvent(e: LeadLifecycleEvent, occurredAt: string): LeadEvent {
  switch (e.kind) {
    case 'created':
      return {
        id: `created:${e.lead.id}`,
        type: 'lead.created',
        occurredAt,
        leadId: e.lead.id,
        lead: webhookLead(e.lead),
      };
    case 'stage_changed':
    case 'disqualified': {
      const { change } = e;
      const disqualified = e.kind === 'disqualified';
      return {
        id: `${disqualified ? 'disqualified' : 'stage'}:${change.id}`,
        type: disqualified ? 'lead.disqualified' : 'lead.stage_changed',
        occurredAt,
        leadId: e.lead.id,
        lead: webhookLead(e.lead),
        change: { from: change.from, to: change.to, reason: change.reason, actor: change.actor },
      };
    }
    case 'claimed':
      return {
        id: `claimed:${e.lead.id}:${e.ownerId}:${e.at.getTime()}`,
        type: 'lead.claimed',
        occurredAt,
        leadId: e.lead.id,
        lead: webhookLead(e.lead),
        ownerId: e.ownerId,
      };
    case 'forgotten':
      // Only the id of an erased lead leaves the system.
      return { id: `forgotten:${e.leadId}`, type: 'lead.forgotten', occurredAt, leadId: e.leadId };
    case 'handoff_started':
    case 'handoff_closed': {
      const started = e.kind === 'handoff_started';
      return {
        id: `${started ? 'handoff' : 'handoff_closed'}:${e.handoff.id}`,
        type: started ? 'lead.handoff_started' : 'lead.handoff_closed',
        occurredAt,
        leadId: e.lead.id,
        lead: webhookLead(e.lead),
        handoff: webhookHandoff(e.handoff),
      };
    }
    case 'message': {
      const m = e.message;
      return {
        id: `message:${m.id}`,
        type: 'lead.message',
        occurredAt,
        leadId: e.lead.id,
        lead: webhookLead(e.lead),
        message: {
          id: m.id,
          handoffId: m.handoffId,
          direction: m.direction,
          author: m.author,
          authorName: m.authorName,
          text: m.text,
          createdAt: m.createdAt.toISOString(),
        },
      };
    }
  }
}

/** The lead events of the configured endpoints; with no URL, none are written. */
export function createWebhookLeadEvents(endpoints: WebhookEndpoints, clock: Clock): LeadEvents {
  if (endpoints.urls.length === 0) return NO_LEAD_EVENTS;
  return {
    async announce(tx: LeadRepo, e: LeadLifecycleEvent) {
      const event = toWebhookEvent(e, clock.now().toISOString());
      for (const [i, url] of endpoints.urls.entries()) {
        const job: WebhookJob = { url, format: endpoints.format, event };
        await tx.enqueueOutbox({
          kind: WEBHOOK_KIND,
          idempotencyKey: `${WEBHOOK_KIND}:${event.id}:${i}`,
          // An erased lead's row must not point at it: forgetting deletes rows by lead id.
          leadId: e.kind === 'forgotten' ? null : event.leadId,
          payload: job as unknown as JsonValue,
        });
      }
    },
  };
}
