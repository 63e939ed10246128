/**
 * Escalation of unclaimed alerts (ALERT_ESCALATE_AFTER): an alert nobody claimed within one
 * interval gets a reminder in its thread naming the next rep of the rotation, and a second one
 * after two intervals naming the manager (or the next rep); never a third. Each reminder is an
 * `alert_reminder` outbox row keyed `alert_reminder:<alertRowId>:<round>`, delivered by the
 * dispatcher to the {@link SalesThread} of the sink that posted the alert. The key is the
 * lease: every instance may run the job, and the database keeps one row per alert and round
 * (a second insert of a key is ignored), so the thread gets one post per round.
 */
import { createPollLoop, type PollLoop } from '../poll-loop.ts';
import {
  ALERT_REMINDER,
  type Clock,
  type DueReminder,
  type JsonValue,
  type LeadStore,
  type Logger,
  type ThreadPost,
} from '../ports/index.ts';

/** The reminder row of `alertId` for `round` (1 or 2): one per alert and round, ever. */
export const reminderKey = (alertId: string, round: number) => `${ALERT_REMINDER}:${alertId}:${round}`;

/** The counter of a sink's rotation of reps in `store.counters` (Slack's SLACK_SALES_REPS: `slack:sales-reps`). */
export const rotationCounter = (sink: string) => `${sink}:sales-reps`;

/** Alerts older than this (or three intervals, if longer) get no reminder: the news is stale. */
export const REMINDER_HORIZON_MS = 24 * 3_600_000;

export interface EscalationSettings {
  /** ALERT_ESCALATE_AFTER in milliseconds (> 0; the app does not start the job when it is off). */
  intervalMs: number;
  /** The sink that delivers sales alerts in this app (SALES_ALERTS): the thread is on its platform. */
  sink: string;
  /** The rotation that assigns new SQLs (platform user ids, in order); may be empty. */
  reps: readonly string[];
  /** The counter of that rotation in `store.counters`, read with `peek` (no turn is taken). */
  counter: string;
  /** Who the second reminder names (a manager, or a user group where the platform has them). */
  escalateTo: string | null;
}

export interface EscalationDeps {
  store: Pick<LeadStore, 'alertReminders' | 'counters' | 'enqueueOutbox'>;
  clock: Clock;
  logger: Logger;
}

/**
 * Who a reminder of `round` mentions: the first names the rep next in the rotation (the one who
 * would get the next lead), falling back on the manager; the second is the escalation proper
 * and names the manager, falling back on the next rep. Nobody when neither is configured.
 */
async function mentionFor(deps: EscalationDeps, s: EscalationSettings, round: 1 | 2): Promise<string | null> {
  const next =
    s.reps.length > 0 ? s.reps[(await deps.store.counters.peek(s.counter)) % s.reps.length]! : null;
  return round === 1 ? (next ?? s.escalateTo) : (s.escalateTo ?? next);
}

function reminderPost(due: DueReminder, sink: string, minutes: number, mention: string | null): ThreadPost {
  return {
    leadId: due.leadId,
    alert: { sink, externalRef: due.externalRef },
    post: { kind: 'reminder', minutes, mention, round: due.round },
  };
}

/**
 * One pass: writes the reminder rows that are due now, at most `limit`. Returns how many alerts
 * were due (a full pass means more may be waiting) and how many rows this call wrote (another
 * instance may have written the rest).
 */
export async function escalateAlerts(
  deps: EscalationDeps,
  settings: EscalationSettings,
  limit = 100,
): Promise<{ due: number; written: number }> {
  const now = deps.clock.now();
  const horizon = Math.max(REMINDER_HORIZON_MS, 3 * settings.intervalMs);
  const due = await deps.store.alertReminders.due({
    now,
    intervalMs: settings.intervalMs,
    since: new Date(now.getTime() - horizon),
    limit,
  });
  let written = 0;
  for (const d of due) {
    const minutes = Math.floor((now.getTime() - d.deliveredAt.getTime()) / 60_000);
    const mention = await mentionFor(deps, settings, d.round);
    const post = reminderPost(d, settings.sink, minutes, mention);
    const inserted = await deps.store.enqueueOutbox({
      kind: ALERT_REMINDER,
      idempotencyKey: reminderKey(d.alertId, d.round),
      leadId: d.leadId,
      payload: post as unknown as JsonValue,
    });
    if (inserted) {
      written++;
      deps.logger.info({ leadId: d.leadId, round: d.round, minutes }, 'unclaimed alert: reminder queued');
    }
  }
  return { due: due.length, written };
}

/** The job as a poll loop: a pass every `pollMs` (default 30 s), at once again after a full one. */
export function createAlertEscalation(
  deps: EscalationDeps & { settings: EscalationSettings; pollMs?: number; limit?: number },
): PollLoop & { runOnce(): Promise<{ due: number; written: number }> } {
  const limit = deps.limit ?? 100;
  const runOnce = () => escalateAlerts(deps, deps.settings, limit);
  const loop = createPollLoop({
    round: async () => (await runOnce()).due >= limit,
    pollMs: deps.pollMs ?? 30_000,
    logger: deps.logger,
    failure: 'escalating unclaimed alerts failed',
  });
  return { ...loop, runOnce };
}
