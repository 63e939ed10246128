/**
 * `LeadStore.followUpState` from a store's plain reads: the memory store's implementation, and
 * the reference the Prisma store's one-statement read (src/store/follow-up-sql.ts) is tested against.
 */
import type { FollowUpState, IdentityKey, LeadRepo, ScheduleStore } from '../ports/index.ts';
import { latestConversation } from './flow-of.ts';

export async function followUpStateOf(
  repo: Pick<LeadRepo, 'findLeadByIdentity' | 'listConversations'>,
  schedules: Pick<ScheduleStore, 'listForLead'>,
  key: IdentityKey,
): Promise<FollowUpState | null> {
  const lead = await repo.findLeadByIdentity(key);
  if (!lead) return null;
  const rows = await schedules.listForLead(lead.id);
  return {
    lead,
    conversation: await latestConversation(repo, lead.id),
    nurtureSent: rows.some((r) => r.kind === 'nurture' && r.status === 'sent'),
    pendingKeys: rows.filter((r) => r.status === 'pending').map((r) => r.key),
  };
}
