/**
 * The repo's side tables over Prisma: handoffs (prisma-handoffs.ts), {@link BookingLinkStore} and {@link IdentityProfiles}.
 * A profile refresh is one UPDATE of the account's row (none when it is gone).
 *
 * Booking links: A click is one `UPDATE … RETURNING` (SQLite ≥ 3.35 and
 * PostgreSQL alike), so concurrent clicks each count and the first click's time is kept.
 */
import { sqltag as sql } from '@prisma/client/runtime/client';
import type { BookingLinkStore, IdentityProfiles, LeadRepo } from '../core/ports/index.ts';
import { createPrismaHandoffStore } from './prisma-handoffs.ts';
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

export function createPrismaProfiles(db: Db): IdentityProfiles {
  return {
    async refresh(key, profile, at) {
      await db.identity.updateMany({
        where: { platform: key.platform, workspaceId: key.workspaceId, userId: key.userId },
        data: { ...profile, profileAt: at },
      });
    },
  };
}

/** The stores the repo offers beside its own methods: handoffs, booking links, profiles. */
export function createPrismaSideTables(
  db: Db,
  dialect: Dialect,
): Pick<LeadRepo, 'handoffs' | 'bookingLinks' | 'profiles'> {
  return {
    handoffs: createPrismaHandoffStore(db, dialect),
    bookingLinks: createPrismaBookingLinks(db, dialect),
    profiles: createPrismaProfiles(db),
  };
}
