/**
 * Fires due scheduled messages. Rows are leased (`ScheduleStore.claim`) so several instances
 * can run this on one database and each row fires once. Every row is checked again when due —
 * the person may have answered, opted out, changed stage or be in quiet hours — and sent through
 * the `send` of the adapter of the lead's platform (`ChatAdapter.send`).
 */

import { parseDuration } from '../duration.ts';
import type { Platform } from '../events.ts';
import type { FlowCatalog } from '../flow/catalog.ts';
import type { FollowUps } from '../flow/schema.ts';
import { backoffDelay, DEFAULT_BACKOFF } from '../outbox/backoff.ts';
import { createPollLoop } from '../poll-loop.ts';
import type {
  ChatAdapter,
  Clock,
  Conversation,
  Lead,
  LeadRepo,
  Logger,
  ScheduledMessage,
  ScheduleStore,
} from '../ports/index.ts';
import { compose, type Outcome, skip } from './compose.ts';
import { type EmailRoute, sendByEmail } from './email-step.ts';
import { flowOfConversation, lastActivity } from './flow-of.ts';
import { planNurture } from './planner.ts';
import type { FollowUpPolicy } from './policy.ts';

export type Sender = NonNullable<ChatAdapter['send']>;

export interface ScheduleRunnerOptions {
  repo: LeadRepo;
  schedules: ScheduleStore;
  flows: FlowCatalog;
  clock: Clock;
  logger: Logger;
  policy: FollowUpPolicy;
  /** One sender per platform (the adapters that implement `send`). */
  senders: Partial<Record<Platform, Sender>>;
  /** Unique per process (lease owner). */
  workerId: string;
  leaseMs?: number;
  batchSize?: number;
  /** Pause between polls when nothing was due. Default 15 s. */
  pollMs?: number;
  /** Send attempts before a message is dropped. Default 5. */
  maxAttempts?: number;
  /** Email follow-ups (adapters/email/); without it they are skipped as `no_smtp`. */
  email?: EmailRoute;
}

export interface RunResult {
  sent: number;
  skipped: number;
  postponed: number;
}

export interface ScheduleRunner {
  runOnce(): Promise<RunResult>;
  start(): void;
  stop(): Promise<void>;
}

/** Email is off (no SMTP_URL): email follow-ups end as `no_smtp`. */
const NO_EMAIL: EmailRoute = { sender: null, unsubscribeUrl: () => '' };

export function createScheduleRunner(o: ScheduleRunnerOptions): ScheduleRunner {
  const leaseMs = o.leaseMs ?? 60_000;
  const batchSize = o.batchSize ?? 20;
  const pollMs = o.pollMs ?? 15_000;
  const maxAttempts = o.maxAttempts ?? 5;
  const log = o.logger.child({ component: 'scheduler', workerId: o.workerId });

  /** Plans what follows a sent message: the next reminder, or the next nurture message. */
  async function planNext(row: ScheduledMessage, lead: Lead, conv: Conversation, fu: FollowUps) {
    const now = o.clock.now();
    const base = {
      leadId: row.leadId,
      kind: row.kind,
      conversationId: row.conversationId,
      platform: row.platform,
      workspaceId: row.workspaceId,
      channelId: row.channelId,
      sequence: row.sequence + 1,
      basis: row.basis,
      channel: row.channel,
    };
    if (row.kind === 'reminder' && fu.reminder) {
      if (row.sequence < fu.reminder.max) {
        const key = row.key.replace(/:\d+$/, `:${row.sequence + 1}`);
        await o.schedules.plan({
          ...base,
          key,
          dueAt: new Date(now.getTime() + parseDuration(fu.reminder.after)),
        });
      } else {
        // Reminders exhausted: an MQL who went quiet moves on to the nurture series.
        await planNurture({ ...o, repo: o.repo }, lead, conv, fu, row.basis ?? now);
      }
    }
    if (row.kind === 'nurture' && fu.nurture && row.sequence + 1 < fu.nurture.messages.length) {
      const key = `nurture:${row.leadId}:${row.sequence + 1}`;
      await o.schedules.plan({
        ...base,
        key,
        dueAt: new Date(now.getTime() + parseDuration(fu.nurture.every)),
      });
    }
  }

  async function decide(row: ScheduledMessage): Promise<Outcome> {
    const now = o.clock.now();
    const lead = await o.repo.getLead(row.leadId);
    const conv = row.conversationId ? await o.repo.getConversation(row.conversationId) : null;
    if (!lead || !conv) return { status: 'cancelled', outcome: 'gone' };
    const flow = await flowOfConversation(o.repo, o.flows, conv);
    const fu = flow?.definition.followUps;
    if (!flow || !fu) return skip('not_configured');
    const activity = (await lastActivity(o.repo, lead.id)) ?? conv.lastActivityAt;
    const composed = compose(row, lead, conv, flow, fu, activity);
    if ('status' in composed) return composed;

    const identities = await o.repo.listIdentities(lead.id);
    const identity =
      identities.find((i) => i.platform === row.platform && i.workspaceId === row.workspaceId) ??
      identities[0];
    if (!identity) return { status: 'cancelled', outcome: 'gone' };
    const key = { platform: identity.platform, workspaceId: identity.workspaceId, userId: identity.userId };
    // chat-then-email: chat where the platform can take a message we start, email otherwise.
    const byEmail =
      row.channel === 'email' || (row.channel === 'chat-then-email' && !o.senders[row.platform]);
    if (byEmail) {
      if (!composed.email) return skip('not_configured');
      const emailed = await sendByEmail(
        { ...o, route: o.email ?? NO_EMAIL, maxAttempts },
        row,
        lead,
        composed.email,
        key,
        now,
      );
      if (emailed.status === 'sent') await planNext(row, lead, conv, fu);
      return emailed;
    }
    const decision = await o.policy.check({ key, kind: row.kind, now });
    if (!decision.ok) {
      if (decision.reason === 'opted_out') {
        await o.schedules.cancelPending(lead.id, 'opted_out', now);
        return { status: 'cancelled', outcome: 'opted_out' };
      }
      if (decision.retryAt) return { status: 'postponed', outcome: decision.reason, dueAt: decision.retryAt };
      return skip(decision.reason);
    }
    const send = o.senders[row.platform];
    if (!send) return skip('no_sender');
    try {
      await send({ workspaceId: row.workspaceId, channelId: row.channelId }, composed.chat);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      log.warn({ scheduleId: row.id, attempt: row.attempts, error }, 'scheduled message send failed');
      if (row.attempts >= maxAttempts) return skip('send_failed');
      return {
        status: 'postponed',
        outcome: 'send_failed',
        dueAt: new Date(now.getTime() + backoffDelay(row.attempts, DEFAULT_BACKOFF)),
      };
    }
    await o.policy.record({
      persons: decision.persons,
      kind: row.kind,
      platform: row.platform,
      channelId: row.channelId,
      at: now,
    });
    await planNext(row, lead, conv, fu);
    return { status: 'sent', via: 'chat' };
  }

  async function runOnce(): Promise<RunResult> {
    const result: RunResult = { sent: 0, skipped: 0, postponed: 0 };
    const rows = await o.schedules.claim({
      workerId: o.workerId,
      limit: batchSize,
      now: o.clock.now(),
      leaseMs,
    });
    for (const row of rows) {
      let outcome: Outcome;
      try {
        outcome = await decide(row);
      } catch (err) {
        // A store hiccup: leave the lease to expire, the row is claimed again then.
        log.error(
          { scheduleId: row.id, error: err instanceof Error ? err.message : String(err) },
          'scheduled message failed',
        );
        continue;
      }
      const now = o.clock.now();
      if (outcome.status === 'postponed') {
        await o.schedules.postpone(row.id, o.workerId, outcome.dueAt, outcome.outcome, outcome.basis);
        result.postponed++;
      } else if (outcome.status === 'sent') {
        await o.schedules.finish(row.id, o.workerId, 'sent', 'sent', now, outcome.via);
        result.sent++;
        log.info(
          {
            scheduleId: row.id,
            leadId: row.leadId,
            kind: row.kind,
            sequence: row.sequence,
            via: outcome.via,
          },
          'scheduled message sent',
        );
      } else {
        await o.schedules.finish(row.id, o.workerId, outcome.status, outcome.outcome, now);
        result.skipped++;
        log.debug(
          { scheduleId: row.id, kind: row.kind, outcome: outcome.outcome },
          'scheduled message not sent',
        );
      }
    }
    return result;
  }

  const loop = createPollLoop({
    round: async () => {
      const r = await runOnce();
      return r.sent + r.skipped + r.postponed >= batchSize;
    },
    pollMs,
    logger: log,
    failure: 'scheduler round failed',
  });
  return { runOnce, start: loop.start, stop: loop.stop };
}
