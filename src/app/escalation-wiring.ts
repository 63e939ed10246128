/**
 * Reminders of unclaimed alerts for `leadbot start` (ALERT_ESCALATE_AFTER): runs the core's
 * escalation job (src/core/sales/escalate-alerts.ts) for the sink that delivers this app's
 * alerts. The reminder rows record that sink, so the dispatcher posts each in the thread of the
 * platform that carries the alert; the rotation and the manager come from that platform's
 * section (Slack: SLACK_SALES_REPS, SLACK_SALES_ESCALATE_TO; others have neither yet, and
 * their reminders mention nobody).
 */

import type { Clock, LeadStore, Logger } from '../core/ports/index.ts';
import { createAlertEscalation, rotationCounter } from '../core/sales/escalate-alerts.ts';
import type { AppConfig } from './config.ts';

/** What a platform section may offer the job (adapters/slack/config.ts has both). */
interface RotationSection {
  salesReps?: readonly string[];
  salesEscalateTo?: string;
}

/**
 * Starts the job; null when ALERT_ESCALATE_AFTER is off. A pass every tenth of the interval
 * (between 1 and 30 seconds), so a reminder is late by at most that.
 */
export function startAlertEscalation(deps: {
  config: Pick<AppConfig, 'alertEscalateAfterMs' | 'adapters'>;
  /** The name of the sink delivering sales alerts (`slack`, …). */
  sink: string;
  store: LeadStore;
  clock: Clock;
  logger: Logger;
}): { stop(): Promise<void> } | null {
  const intervalMs = deps.config.alertEscalateAfterMs;
  if (intervalMs === null) return null;
  const section = (deps.config.adapters[deps.sink] ?? null) as RotationSection | null;
  const job = createAlertEscalation({
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'alert-escalation' }),
    settings: {
      intervalMs,
      sink: deps.sink,
      reps: section?.salesReps ?? [],
      counter: rotationCounter(deps.sink),
      escalateTo: section?.salesEscalateTo ?? null,
    },
    pollMs: Math.min(30_000, Math.max(1000, Math.floor(intervalMs / 10))),
  });
  job.start();
  return { stop: () => job.stop() };
}
