/**
 * {@link BookingLinkStore} over Prisma. A click is one `UPDATE … RETURNING` (SQLite ≥ 3.35 and
 * PostgreSQL alike), so concurrent clicks each count and the first click's time is kept.
 */
import { sqltag as sql } from '@prisma/client/runtime/client';
import type { BookingLinkStore } from '../core/ports/index.ts';
import type { Db, Dialect } from './prisma-types.ts';

export function createPrismaBookingLinks(db: Db, dialect: Dialect): BookingLinkStore {
  // Parameters travel as text on PostgreSQL; the column is timestamp(3).
  const at = (d: Date) => (dialect === 'postgres' ? sql`${d}::timestamp(3)` : sql`${d}`);
  return {
    async create(link) {
      return db.bookingLink.create({ data: link });
    },
    async click(id, when) {
      const rows = await db.$queryRaw<{ target: string }[]>(
        sql`UPDATE "BookingLink" SET "clicks" = "clicks" + 1,
              "firstClickedAt" = COALESCE("firstClickedAt", ${at(when)}), "lastClickedAt" = ${at(when)}
            WHERE "id" = ${id} RETURNING "target"`,
      );
      return rows[0]?.target ?? null;
    },
    async listForLead(leadId) {
      return db.bookingLink.findMany({ where: { leadId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    },
  };
}
