/**
 * The people side of a transaction's view of the repo (prisma-tx-view.ts): leads found by
 * account and the accounts themselves answered from what the transaction loaded (prefetch.ts)
 * or created (new-rows.ts), a new lead and its first account kept until the end, and what the
 * transaction knew of an account forgotten when it changes.
 */
import { newIdentity, newLead } from '../core/lead-rows.ts';
import { identityKeyString } from '../core/outreach/persons.ts';
import type { IdentityKey, Lead, LeadRepo } from '../core/ports/index.ts';
import { newId } from './ids.ts';
import { leadColumns } from './mappers.ts';
import type { NewRows } from './new-rows.ts';
import type { Prefetched } from './prefetch.ts';
import { copyLead } from './repo-rows.ts';

type PeopleMethods = Pick<
  LeadRepo,
  | 'findLeadByIdentity'
  | 'createLead'
  | 'findIdentity'
  | 'listIdentities'
  | 'profiles'
  | 'addIdentity'
  | 'removeIdentity'
>;

/** `base`: the repo on the transaction (after its new rows); `remember` keeps a lead it read. */
export function peopleView(
  seen: Prefetched,
  created: NewRows,
  base: LeadRepo,
  remember: (lead: Lead) => Lead,
): PeopleMethods {
  /** An account about to change: what the transaction knew of it (and of its lead's accounts) is read again. */
  const forgetAccount = (key: IdentityKey) => {
    const k = identityKeyString(key);
    const leadId = seen.leads.get(k) ?? seen.identities.get(k)?.leadId;
    if (leadId) seen.accounts.delete(leadId);
    seen.identities.delete(k);
  };
  return {
    async findLeadByIdentity(key) {
      const leadId = seen.leads.get(identityKeyString(key));
      if (leadId === null) return null;
      const known = leadId ? seen.known.get(leadId) : undefined;
      if (known) return copyLead(known);
      const lead = await base.findLeadByIdentity(key);
      return lead ? remember(lead) : null;
    },

    async createLead(input, identity) {
      // Inserted at the end (new-rows.ts); known to this transaction from now on.
      const now = new Date();
      const lead = newLead(input, newId(), now);
      created.leads.set(lead.id, { id: lead.id, ...leadColumns(lead), createdAt: now, updatedAt: now });
      seen.contributions.set(lead.id, []);
      seen.open.set(lead.id, null); // no conversation yet
      seen.accounts.set(lead.id, []);
      if (identity) {
        const account = newIdentity(lead.id, identity, newId(), now);
        created.identities.push({ ...account });
        seen.leads.set(identityKeyString(identity), lead.id);
        seen.identities.set(identityKeyString(identity), { ...account });
        seen.accounts.set(lead.id, [{ ...account }]);
      }
      return copyLead(remember(lead));
    },

    // The account as the unit's prefetch loaded it: the engine reads it for every known person.
    async findIdentity(key) {
      const known = seen.identities.get(identityKeyString(key));
      return known ? { ...known } : base.findIdentity(key);
    },

    async listIdentities(leadId) {
      const known = seen.accounts.get(leadId);
      return known ? known.map((a) => ({ ...a })) : base.listIdentities(leadId);
    },

    profiles: {
      async refresh(key, profile, at) {
        forgetAccount(key);
        await base.profiles.refresh(key, profile, at);
      },
    },

    async addIdentity(leadId, identity) {
      forgetAccount(identity);
      seen.leads.delete(identityKeyString(identity));
      seen.accounts.delete(leadId);
      return base.addIdentity(leadId, identity);
    },

    async removeIdentity(key) {
      forgetAccount(key);
      seen.leads.delete(identityKeyString(key));
      return base.removeIdentity(key);
    },
  };
}
