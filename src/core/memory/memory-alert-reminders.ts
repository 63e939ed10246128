/**
 * {@link AlertReminderQueries} over the in-memory tables: the rules of the port's TSDoc, which
 * the SQL of src/store/alert-reminder-sql.ts is held to by the same tests.
 */
import type { AlertReminderQueries, DueReminder, RepVerdict } from '../ports/index.ts';
import { reminderKey } from '../sales/escalate-alerts.ts';
import type { MemoryTables } from './memory-state.ts';

export function createMemoryAlertReminders(
  tables: () => MemoryTables,
  verdicts: readonly RepVerdict[],
): AlertReminderQueries {
  return {
    async due({ now, intervalMs, since, limit }) {
      const t = tables();
      const keys = new Set([...t.outbox.values()].map((r) => r.idempotencyKey));
      const claimed = new Set(verdicts.filter((v) => v.verdict === 'claimed').map((v) => v.leadId));
      const answered = new Set(
        [...t.transcript.values()].filter((m) => m.direction === 'to_prospect').map((m) => m.leadId),
      );
      const out: DueReminder[] = [];
      const alerts = [...t.outbox.values()]
        .filter((r) => r.kind === 'sales_alert' && r.status === 'delivered' && r.deliveredAt)
        .sort((a, b) => a.deliveredAt!.getTime() - b.deliveredAt!.getTime() || (a.id < b.id ? -1 : 1));
      for (const row of alerts) {
        const age = now.getTime() - row.deliveredAt!.getTime();
        if (row.deliveredAt! < since || age < intervalMs || !row.leadId || !row.externalRef) continue;
        const lead = t.leads.get(row.leadId);
        if (!lead || lead.stage === 'disqualified' || claimed.has(lead.id) || answered.has(lead.id)) continue;
        const round = age >= 2 * intervalMs ? 2 : 1;
        if (keys.has(reminderKey(row.id, round))) continue;
        out.push({
          alertId: row.id,
          leadId: lead.id,
          externalRef: row.externalRef,
          deliveredAt: new Date(row.deliveredAt!),
          round,
        });
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}
