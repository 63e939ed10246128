/**
 * {@link OutreachStore} over Prisma: the contact log (one row per person key of each
 * bot-initiated message, grouped by `contactId`), opt-outs and one-time link codes. On the
 * lead store's own client, so every adapter and every instance sees the same limits and they
 * survive restarts. Link codes reference their lead (ON DELETE CASCADE); the contact log and
 * opt-outs are keyed by person strings, erased by {@link OutreachStore.erase} and, inside the
 * forget transaction, by {@link eraseOutreachRows}.
 */
import type { OutreachStore } from '../core/ports/index.ts';
import { newId } from './ids.ts';
import type { Client, Db } from './prisma-types.ts';

/** Deletes every contact row (whole messages) and opt-out naming one of `persons`. */
export async function eraseOutreachRows(db: Db, persons: string[], leadId: string | null): Promise<void> {
  if (persons.length > 0) {
    const hits = await db.outreachContact.findMany({
      where: { person: { in: persons } },
      select: { contactId: true },
      distinct: ['contactId'],
    });
    // The whole message goes: its other rows name the same person under another key.
    if (hits.length > 0)
      await db.outreachContact.deleteMany({ where: { contactId: { in: hits.map((h) => h.contactId) } } });
    await db.outreachOptOut.deleteMany({ where: { person: { in: persons } } });
  }
  if (leadId) await db.linkCode.deleteMany({ where: { leadId } });
}

export function createPrismaOutreachStore(client: Client): OutreachStore {
  const newest = async (where: object): Promise<Date | null> => {
    const row = await client.outreachContact.findFirst({
      where,
      orderBy: { at: 'desc' },
      select: { at: true },
    });
    return row?.at ?? null;
  };
  return {
    async recordContact({ persons, kind, platform, channelId, at }) {
      const contactId = newId();
      await client.outreachContact.createMany({
        data: [...new Set(persons)].map((person) => ({
          id: newId(),
          contactId,
          person,
          kind,
          platform,
          channelId,
          at,
        })),
      });
    },

    async countContacts(persons, since) {
      if (persons.length === 0) return 0;
      const rows = await client.outreachContact.findMany({
        where: { person: { in: persons }, at: { gte: since } },
        select: { contactId: true },
        distinct: ['contactId'],
      });
      return rows.length;
    },

    lastContactInChannel: (channelId, kind) => newest({ channelId, kind }),

    lastContactOf: (persons, kind) => newest({ person: { in: persons }, kind }),

    async setOptOut(person, at) {
      await client.outreachOptOut.upsert({ where: { person }, create: { person, at }, update: { at } });
    },

    async clearOptOut(persons) {
      await client.outreachOptOut.deleteMany({ where: { person: { in: persons } } });
    },

    async isOptedOut(persons) {
      return (await client.outreachOptOut.count({ where: { person: { in: persons } } })) > 0;
    },

    async saveLinkCode({ code, leadId, expiresAt }) {
      await client.$transaction([
        client.linkCode.deleteMany({ where: { leadId } }),
        client.linkCode.create({ data: { code, leadId, expiresAt } }),
      ]);
    },

    async takeLinkCode(code, now) {
      const row = await client.linkCode.findUnique({ where: { code } });
      if (!row) return null;
      // Only the caller whose delete removed the row may use it: a code works once.
      const { count } = await client.linkCode.deleteMany({ where: { code } });
      return count === 1 && row.expiresAt > now ? { leadId: row.leadId } : null;
    },

    async erase(persons, leadId) {
      await eraseOutreachRows(client, persons, leadId);
    },
  };
}
