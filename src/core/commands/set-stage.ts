/** `stage @member SQL|MQL|cold|disqualified <reason>`: audited; SQL alerts sales through the outbox. */
import { changeStage } from '../lead-lifecycle.ts';
import type { Stage } from '../ports/index.ts';
import type { Target } from './parse.ts';
import { actorId, resolveLead } from './resolve.ts';
import type { CommandContext, CommandDeps, CommandReply } from './types.ts';

export async function setStage(
  deps: CommandDeps,
  ctx: CommandContext,
  target: Target,
  to: Stage,
  reason: string,
): Promise<Omit<CommandReply, 'private'>> {
  return deps.store.transaction(async (tx) => {
    const lead = await resolveLead(tx, ctx, target);
    const r = await changeStage(tx, deps.leadEvents, {
      leadId: lead.id,
      to,
      reason: `Manual: ${reason}`,
      actor: actorId(ctx, ctx.userId),
      now: deps.clock.now(),
    });
    if (!r.change) return { text: `Lead ${lead.id} already is ${to}; nothing changed.` };
    const alert = r.alertQueued ? ' Sales will be alerted.' : '';
    return { text: `Lead ${lead.id}: ${r.change.from} → ${to}.${alert}` };
  });
}
