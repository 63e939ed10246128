/** Which delivered sales alerts are still waiting for a rep, for the escalation job. */

/** A delivered `sales_alert` row whose lead nobody claimed, and the reminder it is due for. */
export interface DueReminder {
  /** The `sales_alert` outbox row's id (the reminder's key is `alert_reminder:<alertId>:<round>`). */
  alertId: string;
  leadId: string;
  /** What the sink recorded when it posted the alert (Slack `ts`, …): the thread to post in. */
  externalRef: string;
  deliveredAt: Date;
  /** 1 once the alert is one interval old, 2 once it is two; there is no third. */
  round: 1 | 2;
}

export interface DueReminderQuery {
  now: Date;
  /** ALERT_ESCALATE_AFTER in milliseconds. */
  intervalMs: number;
  /** Alerts delivered before this are left alone: a stale alert is not worth a reminder. */
  since: Date;
  limit: number;
}

/**
 * The reminders the escalation job (src/core/sales/escalate-alerts.ts) owes. A store answers
 * from an index on delivered alerts by time (the Prisma store in one SQL statement), never by
 * reading every lead or alert.
 */
export interface AlertReminderQueries {
  /**
   * Delivered `sales_alert` rows with a lead id and an external reference, delivered between
   * `since` and `now − intervalMs`, whose lead has no `claimed` verdict, no rep's reply in a
   * handoff (a `to_prospect` transcript line: someone is on it) and is not disqualified (an
   * erased lead drops out), and that lack the reminder of the round they are
   * due for: round 2 when delivered at least two intervals ago and no `:2` reminder row exists,
   * else round 1 when no `:1` row exists (an alert that reached two intervals unreminded — the
   * job was down — gets the second reminder only, never two at once). Oldest first, at most
   * `limit`.
   */
  due(query: DueReminderQuery): Promise<DueReminder[]>;
}
