/** Finds the lead a command is about: a mentioned member's identity, or a lead id. */
import { LeadbotError } from '../errors.ts';
import type { Lead, LeadRepo } from '../ports/index.ts';
import type { Target } from './parse.ts';
import type { CommandContext } from './types.ts';

/**
 * The lead behind `target`.
 * @throws LeadbotError NOT_FOUND with a message fit for the manager.
 */
export async function resolveLead(repo: LeadRepo, ctx: CommandContext, target: Target): Promise<Lead> {
  if (target.kind === 'lead') {
    const lead = await repo.getLead(target.leadId);
    if (!lead) throw new LeadbotError('NOT_FOUND', `No lead with id ${target.leadId}.`);
    return lead;
  }
  const lead = await repo.findLeadByIdentity(ctx.memberKey(target.userId));
  if (!lead) throw new LeadbotError('NOT_FOUND', 'This member is not a lead yet (try qualify).');
  return lead;
}

/** How an owner or author is stored: `<platform>:<user id>`, as the Slack Claim button does. */
export const actorId = (ctx: Pick<CommandContext, 'platform'>, userId: string) => `${ctx.platform}:${userId}`;

/** A short one-line description of a lead for lists. */
export function leadLine(l: Lead): string {
  const who = l.name ?? '(no name)';
  const company = l.company ? ` (${l.company})` : '';
  const owner = l.ownerId ? ` owner ${l.ownerId}` : '';
  return `${l.id} · ${l.stage} · ${l.score} pts · ${who}${company}${owner} · ${l.source.platform ?? '?'}${l.source.campaign ? `/${l.source.campaign}` : ''}`;
}
