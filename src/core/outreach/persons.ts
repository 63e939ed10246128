/**
 * Person keys: one string per account (`slack:T1:U1`) plus `lead:<id>` once the person is a
 * lead, and the keys of every account linked to that lead — so a limit or an opt-out
 * recorded on one platform holds on the others.
 */
import type { Identity, IdentityKey, Lead, LeadRepo } from '../ports/index.ts';

export const identityKeyString = (k: IdentityKey) => `${k.platform}:${k.workspaceId}:${k.userId}`;
export const leadKeyString = (leadId: string) => `lead:${leadId}`;

export interface Person {
  key: IdentityKey;
  lead: Lead | null;
  identities: Identity[];
  /** Every key naming this person. */
  keys: string[];
}

/** Looks the account up and gathers the keys of the person behind it. */
export async function findPerson(repo: LeadRepo, key: IdentityKey): Promise<Person> {
  const own = identityKeyString(key);
  const lead = await repo.findLeadByIdentity(key);
  if (!lead) return { key, lead: null, identities: [], keys: [own] };
  const identities = await repo.listIdentities(lead.id);
  const keys = new Set([own, leadKeyString(lead.id), ...identities.map(identityKeyString)]);
  return { key, lead, identities, keys: [...keys] };
}
