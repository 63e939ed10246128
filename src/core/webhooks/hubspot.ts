/**
 * An example CRM mapping: the event as a HubSpot contact upsert body (`properties` with
 * HubSpot's default property names). Point a HubSpot workflow webhook trigger or a small relay
 * at it; the property names are HubSpot's, the values leadbot's.
 */
import type { Stage } from '../ports/index.ts';
import type { LeadEvent } from './events.ts';

const LIFECYCLE: Record<Stage, string> = {
  cold: 'subscriber',
  MQL: 'marketingqualifiedlead',
  SQL: 'salesqualifiedlead',
  disqualified: 'other',
};

export interface HubSpotContact {
  /** HubSpot deduplicates contacts on email; leadbot's id travels as a custom property. */
  idProperty: 'email' | 'leadbot_id';
  id: string;
  properties: Record<string, string>;
  /** The leadbot event, for fields the mapping does not cover. */
  event: { id: string; type: string; occurredAt: string };
}

/** Maps one event; a forgotten lead maps to its id only (the CRM should erase it too). */
export function toHubSpotContact(event: LeadEvent): HubSpotContact {
  const lead = event.lead;
  const properties: Record<string, string> = { leadbot_id: event.leadId };
  if (lead) {
    const [first, ...rest] = (lead.name ?? '').trim().split(/\s+/);
    if (first) properties.firstname = first;
    if (rest.length) properties.lastname = rest.join(' ');
    if (lead.email) properties.email = lead.email;
    if (lead.phone) properties.phone = lead.phone;
    if (lead.company) properties.company = lead.company;
    properties.lifecyclestage = LIFECYCLE[lead.stage];
    properties.hs_lead_status =
      lead.stage === 'disqualified' ? 'UNQUALIFIED' : lead.ownerId ? 'IN_PROGRESS' : 'NEW';
    properties.leadbot_score = String(lead.score);
    if (lead.source.platform) properties.leadbot_source = lead.source.platform;
    if (lead.source.campaign) properties.leadbot_campaign = lead.source.campaign;
    if (lead.ownerId) properties.leadbot_owner = lead.ownerId;
  }
  if (event.type === 'lead.forgotten') properties.leadbot_forgotten = 'true';
  return {
    idProperty: lead?.email ? 'email' : 'leadbot_id',
    id: lead?.email ?? event.leadId,
    properties,
    event: { id: event.id, type: event.type, occurredAt: event.occurredAt },
  };
}
