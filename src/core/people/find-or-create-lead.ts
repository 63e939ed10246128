/**
 * The person behind an event: their lead, or a new one with their first account (profile and
 * named source as the event gives them). A known person's day-old profile is refreshed from the
 * event (refresh.ts); a `start` campaign fills a lead that has none.
 */
import type { InboundEvent } from '../events.ts';
import { createLead } from '../lead-lifecycle.ts';
import type { Lead, LeadEvents, LeadRepo } from '../ports/index.ts';
import { profileOf, sourceOf } from './profile.ts';
import { refreshProfile } from './refresh.ts';

/** The person's lead; `created` when this event is the first we hear of them. */
export async function findOrCreateLead(
  tx: LeadRepo,
  events: LeadEvents,
  e: InboundEvent,
  now: Date,
): Promise<{ lead: Lead; created: boolean }> {
  const key = { platform: e.platform, workspaceId: e.workspaceId, userId: e.userId };
  const campaign = e.campaign ?? (e.kind === 'command' && e.name === 'start' ? e.args[0] : undefined) ?? null;
  const lead = await tx.findLeadByIdentity(key);
  if (lead) {
    await refreshProfile(tx, key, e, now);
    if (campaign && !lead.source.campaign)
      return { lead: await tx.updateLead(lead.id, { source: { campaign } }), created: false };
    return { lead, created: false };
  }
  const created = await createLead(
    tx,
    events,
    { name: e.displayName ?? null, source: sourceOf(e, campaign) },
    { ...key, ...profileOf(e), chatId: e.channelId },
  );
  return { lead: created, created: true };
}
