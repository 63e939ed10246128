/**
 * `forget @member|id` (manager) and `forget me` (the person): erases the lead and every row
 * about the person — identities, conversations, answers, score, history, notes, outbox rows
 * and outreach bookkeeping — in one transaction: either all of it goes, or nothing.
 */

import { findPerson } from '../outreach/persons.ts';
import type { IdentityKey, LeadStore, OutreachStore } from '../ports.ts';
import type { Target } from './parse.ts';
import { resolveLead } from './resolve.ts';
import type { CommandContext, CommandDeps, CommandReply } from './types.ts';

/** Erases the person behind an account; returns whether a lead existed. */
export async function forgetPerson(
  store: LeadStore,
  outreach: OutreachStore,
  key: IdentityKey,
): Promise<boolean> {
  return store.transaction(async (tx) => {
    const person = await findPerson(tx, key);
    if (person.lead) await tx.deleteLead(person.lead.id);
    // Last, so a failure above rolls the lead back before anything else is touched.
    await outreach.erase(person.keys, person.lead?.id ?? null);
    return person.lead !== null;
  });
}

export async function forget(
  deps: CommandDeps,
  ctx: CommandContext,
  target: Target,
): Promise<Omit<CommandReply, 'private'>> {
  if (target.kind === 'member') {
    const existed = await forgetPerson(deps.store, deps.outreach, ctx.memberKey(target.userId));
    return {
      text: existed ? 'The member was erased.' : 'Nothing was stored about this member; nothing to erase.',
    };
  }
  const lead = await resolveLead(deps.store, ctx, target);
  const [first] = await deps.store.listIdentities(lead.id);
  if (first) await forgetPerson(deps.store, deps.outreach, first);
  else
    await deps.store.transaction(async (tx) => {
      await tx.deleteLead(lead.id);
      await deps.outreach.erase([`lead:${lead.id}`], lead.id);
    });
  return { text: `Lead ${lead.id} was erased.` };
}
