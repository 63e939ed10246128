/** `note @member|id <text>`: a free-text note on the lead. */
import type { Target } from './parse.ts';
import { actorId, resolveLead } from './resolve.ts';
import type { CommandContext, CommandDeps, CommandReply } from './types.ts';

export async function addNote(
  deps: CommandDeps,
  ctx: CommandContext,
  target: Target,
  text: string,
): Promise<Omit<CommandReply, 'private'>> {
  return deps.store.transaction(async (tx) => {
    const lead = await resolveLead(tx, ctx, target);
    await tx.addNote({ leadId: lead.id, author: actorId(ctx, ctx.userId), text });
    return { text: `Note added to lead ${lead.id}.` };
  });
}
