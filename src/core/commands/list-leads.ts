/** `leads [stage] [@owner] [source] [since]`: one page of leads, newest first. */
import type { LeadFilter } from '../ports/index.ts';
import type { ListFilters } from './parse.ts';
import { actorId, leadLine } from './resolve.ts';
import type { CommandContext, CommandDeps, CommandReply } from './types.ts';

export const PAGE_SIZE = 20;

/** The store filter for the parsed filters. */
export function toLeadFilter(ctx: CommandContext, f: ListFilters): LeadFilter {
  const filter: LeadFilter = {};
  if (f.stage) filter.stage = f.stage;
  if (f.owner) filter.ownerId = actorId(ctx, f.owner.userId);
  if (f.source) filter.source = f.source;
  if (f.since) filter.since = f.since;
  if (f.cursor) filter.cursor = f.cursor;
  return filter;
}

export async function listLeads(
  deps: CommandDeps,
  ctx: CommandContext,
  f: ListFilters,
): Promise<Omit<CommandReply, 'private'>> {
  const page = await deps.store.listLeads({ ...toLeadFilter(ctx, f), limit: PAGE_SIZE });
  if (page.items.length === 0) return { text: 'No leads match.' };
  const lines = page.items.map(leadLine);
  if (page.nextCursor) lines.push(`More: add page:${page.nextCursor} to the same command.`);
  return { text: lines.join('\n') };
}
