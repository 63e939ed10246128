/** `assign @member|id @rep`: sets the owner (with a note saying who did it). */
import { assignOwner } from '../lead-lifecycle.ts';
import type { Target } from './parse.ts';
import { actorId, resolveLead } from './resolve.ts';
import type { CommandContext, CommandDeps, CommandReply } from './types.ts';

export async function assign(
  deps: CommandDeps,
  ctx: CommandContext,
  target: Target,
  rep: string,
): Promise<Omit<CommandReply, 'private'>> {
  return deps.store.transaction(async (tx) => {
    const lead = await resolveLead(tx, ctx, target);
    const owner = actorId(ctx, rep);
    await assignOwner(tx, deps.leadEvents, lead.id, owner, actorId(ctx, ctx.userId), deps.clock.now());
    return { text: `Lead ${lead.id} is now owned by ${owner}.` };
  });
}
