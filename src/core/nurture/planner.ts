/**
 * Plans follow-ups after each inbound event, from the flow's `followUps` section:
 * a reminder for a conversation waiting on an answer, a nurture series for an MQL whose
 * conversation is over, the one re-engagement of a cold lead who showed intent. `stop`
 * cancels everything pending. Planning is idempotent (rows are keyed), and the runner checks
 * every row again when it is due, so a plan lost in a crash only costs that one follow-up.
 */

import { parseDuration } from '../duration.ts';
import type { Platform } from '../events.ts';
import type { FlowCatalog } from '../flow/catalog.ts';
import type { FollowUpChannel, FollowUps } from '../flow/schema.ts';
import type {
  Clock,
  Conversation,
  FollowUpState,
  InboundHandler,
  Lead,
  LeadRepo,
  LeadStore,
  Logger,
  ScheduleStore,
} from '../ports/index.ts';
import { isStopEvent } from '../stop-event.ts';
import { flowOfConversation } from './flow-of.ts';

export interface PlannerDeps {
  repo: LeadRepo;
  schedules: ScheduleStore;
  flows: FlowCatalog;
  clock: Clock;
  logger: Logger;
  /** Platforms whose adapter can send unprompted messages; planning skips the others. All when absent. */
  canSend?: (platform: Platform) => boolean;
}

const target = (c: Conversation) => ({
  platform: c.platform,
  workspaceId: c.workspaceId,
  channelId: c.channelId,
  conversationId: c.id,
});

/**
 * Whether a follow-up on `channel` can reach the person of `conv`: chat needs an adapter that
 * sends unprompted messages (the web widget cannot), email goes out whatever the platform.
 */
function reachable(d: PlannerDeps, conv: Conversation, channel: FollowUpChannel): boolean {
  return channel !== 'chat' || !d.canSend || d.canSend(conv.platform);
}

/** Plans the first nurture message when the lead is an MQL (once per lead). */
export async function planNurture(
  d: PlannerDeps,
  lead: Lead,
  conv: Conversation,
  fu: FollowUps,
  basis: Date,
): Promise<boolean> {
  if (!fu.nurture || lead.stage !== 'MQL') return false;
  if (!reachable(d, conv, fu.nurture.channel)) return false;
  return d.schedules.plan({
    key: `nurture:${lead.id}:0`,
    leadId: lead.id,
    kind: 'nurture',
    channel: fu.nurture.channel,
    ...target(conv),
    sequence: 0,
    dueAt: new Date(d.clock.now().getTime() + parseDuration(fu.nurture.every)),
    basis,
  });
}

/** Re-plans the follow-ups of one lead from its state right after the person's event. */
export async function planForLead(d: PlannerDeps, state: FollowUpState): Promise<void> {
  const { lead, conversation: conv } = state;
  if (!conv) return;
  const flow = await flowOfConversation(d.repo, d.flows, conv);
  const fu = flow?.definition.followUps;
  if (!fu) return;
  const chat = reachable(d, conv, 'chat');
  // The planner runs right after the person's event, so their silence starts now.
  const now = d.clock.now();
  const waiting =
    conv.currentStep !== null && conv.status !== 'completed' && conv.variables._stopped === undefined;

  // Reminders re-ask the question in the chat: none where the bot cannot write first.
  if (fu.reminder && chat) {
    // A reminder belongs to one wait: a reply starts a new wait and replaces the old reminder.
    const key = waiting ? `reminder:${conv.id}:${conv.currentStep}:${now.getTime()}:1` : null;
    if (!key || !state.pendingKeys.includes(key)) {
      await d.schedules.cancelPending(lead.id, 'answered', now, ['reminder']);
      if (key) {
        await d.schedules.plan({
          key,
          leadId: lead.id,
          kind: 'reminder',
          ...target(conv),
          sequence: 1,
          dueAt: new Date(now.getTime() + parseDuration(fu.reminder.after)),
          basis: now,
        });
      }
    }
  }
  if (!waiting) await planNurture(d, lead, conv, fu, now);
  const re = fu.reengage;
  if (re && lead.stage === 'cold' && lead.score >= re.minScore && reachable(d, conv, re.channel)) {
    await d.schedules.plan({
      key: `reengage:${lead.id}`,
      leadId: lead.id,
      kind: 'reengage',
      channel: re.channel,
      ...target(conv),
      sequence: 0,
      dueAt: new Date(now.getTime() + parseDuration(re.after)),
      basis: now,
    });
  }
}

/**
 * Wraps the engine's handler: after each direct event, cancels everything on `stop` or
 * re-plans the person's follow-ups. A planning failure is logged, never shown to the person.
 */
export function withFollowUps(
  handle: InboundHandler,
  d: PlannerDeps & { state: LeadStore['followUpState'] },
): InboundHandler {
  const log = d.logger.child({ component: 'follow-ups' });
  return async (e) => {
    const out = await handle(e);
    if (!e.isDirect) return out;
    try {
      // One read: the lead, its newest conversation and what is scheduled (follow-up-state.ts).
      const state = await d.state({ platform: e.platform, workspaceId: e.workspaceId, userId: e.userId });
      if (!state) return out;
      const leadId = state.lead.id;
      if (isStopEvent(e)) {
        const n = await d.schedules.cancelPending(leadId, 'stopped', d.clock.now());
        if (n > 0) log.info({ leadId, cancelled: n }, 'scheduled messages cancelled by stop');
      } else {
        // Any message once the nurture series began is engagement: the series ends there.
        if (state.nurtureSent) await d.schedules.cancelPending(leadId, 'engaged', d.clock.now(), ['nurture']);
        await planForLead(d, state);
      }
    } catch (err) {
      log.error({ error: err instanceof Error ? err.message : String(err) }, 'planning follow-ups failed');
    }
    return out;
  };
}
