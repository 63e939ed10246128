/**
 * {@link AlertReminderQueries} in one statement: a range scan of the index
 * `OutboxMessage(kind, status, deliveredAt)` over the alerts delivered between `since` and one
 * interval ago, each checked by index lookups — the lead by id, its verdicts by
 * `RepVerdict(leadId, createdAt)`, its transcript by `TranscriptMessage(leadId, id)`, the
 * reminder row by its unique idempotency key. The rows read
 * per round are the alerts of that window (a day's SQLs at most), not every alert ever posted.
 */

import { SALES_ALERT } from '../core/lead-lifecycle.ts';
import { ALERT_REMINDER } from '../core/ports/handoff.ts';
import type { AlertReminderQueries } from '../core/ports/index.ts';
import type { Db } from './prisma-types.ts';
import { raw, sql } from './raw-statements.ts';

interface DueRow {
  alertId: string;
  leadId: string;
  externalRef: string;
  deliveredAt: Date | string;
  round: number | bigint;
}

/** SQL text literals of constants (never of input): the key prefix and the kind. */
const literal = (text: string) => raw(`'${text.replaceAll("'", "''")}'`);

export function createPrismaAlertReminders(db: Db): AlertReminderQueries {
  return {
    async due({ now, intervalMs, since, limit }) {
      const due1 = new Date(now.getTime() - intervalMs);
      const due2 = new Date(now.getTime() - 2 * intervalMs);
      const round = sql`CASE WHEN o."deliveredAt" <= ${due2} THEN 2 ELSE 1 END`;
      const rows = await db.$queryRaw<DueRow[]>(sql`
        SELECT o."id" AS "alertId", o."leadId", o."externalRef", o."deliveredAt", ${round} AS "round"
        FROM "OutboxMessage" o
        JOIN "Lead" l ON l."id" = o."leadId"
        WHERE o."kind" = ${literal(SALES_ALERT)} AND o."status" = 'delivered'
          AND o."deliveredAt" >= ${since} AND o."deliveredAt" <= ${due1}
          AND o."externalRef" IS NOT NULL
          AND l."stage" <> 'disqualified'
          AND NOT EXISTS (SELECT 1 FROM "RepVerdict" v WHERE v."leadId" = o."leadId" AND v."verdict" = 'claimed')
          AND NOT EXISTS (SELECT 1 FROM "TranscriptMessage" m WHERE m."leadId" = o."leadId" AND m."direction" = 'to_prospect')
          AND NOT EXISTS (SELECT 1 FROM "OutboxMessage" r
            WHERE r."idempotencyKey" = ${literal(`${ALERT_REMINDER}:`)} || o."id" || ':' || ${round})
        ORDER BY o."deliveredAt", o."id"
        LIMIT ${limit}`);
      return rows.map((r) => ({
        alertId: r.alertId,
        leadId: r.leadId,
        externalRef: r.externalRef,
        deliveredAt: new Date(r.deliveredAt),
        round: Number(r.round) === 2 ? 2 : 1,
      }));
    },
  };
}
