/**
 * {@link OutreachStore} over Prisma: the contact log (one row per person key of each
 * bot-initiated message, grouped by `contactId`), opt-outs and one-time link codes. On the
 * lead store's own client, so every adapter and every instance sees the same limits and they
 * survive restarts. Link codes reference their lead (ON DELETE CASCADE); the contact log and
 * opt-outs are keyed by person strings, erased by {@link OutreachStore.erase} and, inside the
 * forget transaction, by {@link eraseOutreachRows}.
 */
import type { ContactLog, NewContact, OutreachStore } from '../core/ports/index.ts';
import { newId } from './ids.ts';
import type { Client, Db, Dialect } from './prisma-types.ts';

/** How long a decision may wait for its turn and then take (it is a handful of reads). */
const TURN = { maxWait: 10_000, timeout: 15_000 };

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

/** One row per key naming the person, all under `contactId`. */
async function insertContact(db: Db, contactId: string, c: NewContact): Promise<void> {
  await db.outreachContact.createMany({
    data: [...new Set(c.persons)].map((person) => ({
      id: newId(),
      contactId,
      person,
      kind: c.kind,
      platform: c.platform,
      channelId: c.channelId,
      at: c.at,
    })),
  });
}

/** The contact log's reads on `db` (the client, or a transaction deciding an approach). */
function contactLog(db: Db): ContactLog {
  const newest = async (where: object): Promise<Date | null> => {
    const row = await db.outreachContact.findFirst({ where, orderBy: { at: 'desc' }, select: { at: true } });
    return row?.at ?? null;
  };
  return {
    async countContacts(persons, since) {
      if (persons.length === 0) return 0;
      const rows = await db.outreachContact.findMany({
        where: { person: { in: persons }, at: { gte: since } },
        select: { contactId: true },
        distinct: ['contactId'],
      });
      return rows.length;
    },
    lastContactInChannel: (channelId, kind) => newest({ channelId, kind }),
    lastContactOf: (persons, kind) => newest({ person: { in: persons }, kind }),
    async isOptedOut(persons) {
      return (await db.outreachOptOut.count({ where: { person: { in: persons } } })) > 0;
    },
  };
}

/**
 * Waits, inside the transaction, until no other decider holds any of `keys`; the turn lasts
 * until the transaction ends. PostgreSQL: transaction-level advisory locks, taken in one order
 * so two deciders never wait on each other in a circle. SQLite: a write before any read takes
 * the database's one write lock (a read first would leave the transaction unable to write once
 * another had), so deciders queue on it even from two connections.
 */
async function takeTurn(db: Db, dialect: Dialect, keys: string[]): Promise<void> {
  if (dialect === 'sqlite') {
    await db.$executeRaw`UPDATE "OutreachOptOut" SET "person" = "person" WHERE 0`;
    return;
  }
  for (const key of [...new Set(keys)].sort()) {
    // The lock function returns void, which Prisma cannot read back: select a constant instead.
    await db.$queryRaw`SELECT 1 AS held FROM (SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))) AS turn`;
  }
}

export function createPrismaOutreachStore(client: Client, dialect: Dialect): OutreachStore {
  return {
    ...contactLog(client),

    async recordContact(contact) {
      await insertContact(client, newId(), contact);
    },

    recordContactUnless(contact, refuse) {
      return client.$transaction(async (tx: Db) => {
        await takeTurn(tx, dialect, [`channel:${contact.channelId}`, ...contact.persons]);
        const seen = await tx.outreachContact.findFirst({
          where: { contactId: contact.id },
          select: { id: true },
        });
        if (seen) return 'recorded' as const;
        const why = await refuse(contactLog(tx));
        if (why !== null) return why;
        await insertContact(tx, contact.id, contact);
        return null;
      }, TURN);
    },

    async setOptOut(person, at) {
      await client.outreachOptOut.upsert({ where: { person }, create: { person, at }, update: { at } });
    },

    async clearOptOut(persons) {
      await client.outreachOptOut.deleteMany({ where: { person: { in: persons } } });
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
