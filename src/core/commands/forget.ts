/**
 * `forget @member|id` (manager) and `forget me` (the person): erases the lead and every row
 * about the person — identities, conversations, answers, score, history, notes, outbox rows
 * and outreach bookkeeping. The lead goes in one transaction (the Prisma store's `deleteLead`
 * erases the outreach rows of the lead's keys in it too); `OutreachStore.erase` runs after the
 * commit, never inside: it may use another connection, which would wait on the rows the open
 * transaction has locked (a deadlock until the transaction times out, seen on PostgreSQL).
 */

import { forgetLead } from '../lead-lifecycle.ts';
import { findPerson } from '../outreach/persons.ts';
import type { IdentityKey } from '../ports/index.ts';
import type { Target } from './parse.ts';
import { resolveLead } from './resolve.ts';
import type { CommandContext, CommandDeps, CommandReply } from './types.ts';

/** What erasing a person needs: the store, the outreach log and where the erasure is announced. */
export type ForgetDeps = Pick<CommandDeps, 'store' | 'outreach' | 'leadEvents'>;

/**
 * Erases the person behind an account; returns whether a lead existed. With `event` (a
 * person's own `forget me`), the event id is recorded in the same transaction and a
 * redelivery returns null without doing anything.
 */
export async function forgetPerson(deps: ForgetDeps, key: IdentityKey): Promise<boolean>;
export async function forgetPerson(
  deps: ForgetDeps,
  key: IdentityKey,
  event: { platform: string; eventId: string },
): Promise<boolean | null>;
export async function forgetPerson(
  deps: ForgetDeps,
  key: IdentityKey,
  event?: { platform: string; eventId: string },
): Promise<boolean | null> {
  const person = await deps.store.transaction(async (tx) => {
    if (event && !(await tx.markEventProcessed(event.platform, event.eventId))) return null;
    const found = await findPerson(tx, key);
    if (found.lead) await forgetLead(tx, deps.leadEvents, found.lead.id);
    return found;
  });
  if (!person) return null;
  // Also covers accounts without a lead (an opt-out recorded before any conversation).
  await deps.outreach.erase(person.keys, person.lead?.id ?? null);
  return person.lead !== null;
}

export async function forget(
  deps: CommandDeps,
  ctx: CommandContext,
  target: Target,
): Promise<Omit<CommandReply, 'private'>> {
  if (target.kind === 'member') {
    const existed = await forgetPerson(deps, ctx.memberKey(target.userId));
    return {
      text: existed ? 'The member was erased.' : 'Nothing was stored about this member; nothing to erase.',
    };
  }
  const lead = await resolveLead(deps.store, ctx, target);
  const [first] = await deps.store.listIdentities(lead.id);
  if (first) await forgetPerson(deps, first);
  else {
    await deps.store.transaction((tx) => forgetLead(tx, deps.leadEvents, lead.id));
    await deps.outreach.erase([`lead:${lead.id}`], lead.id);
  }
  return { text: `Lead ${lead.id} was erased.` };
}
