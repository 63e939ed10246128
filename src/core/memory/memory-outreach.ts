/**
 * In-memory {@link OutreachStore}: contact log, opt-outs and link codes in plain arrays and
 * maps. Used by tests and the terminal chat; durable deployments need the Prisma version.
 */
import type { Platform } from '../events.ts';
import type { OutreachStore } from '../ports/index.ts';
import { SerialQueue } from './serial.ts';

interface ContactRow {
  /** Set when the contact was recorded under a name (`recordContactUnless`). */
  id?: string;
  persons: string[];
  kind: string;
  platform: Platform;
  channelId: string;
  at: Date;
}

/** The rows it holds, exposed so tests can prove `erase` left nothing about a person. */
export interface MemoryOutreachStore extends OutreachStore {
  dump(): { contacts: ContactRow[]; optOuts: string[]; codes: { code: string; leadId: string }[] };
}

export function createMemoryOutreachStore(): MemoryOutreachStore {
  let contacts: ContactRow[] = [];
  const optOuts = new Map<string, Date>();
  const codes = new Map<string, { leadId: string; expiresAt: Date }>();
  const hits = (row: ContactRow, persons: string[]) => row.persons.some((p) => persons.includes(p));
  const newest = (rows: ContactRow[]) =>
    rows.reduce<Date | null>((a, r) => (a === null || r.at > a ? r.at : a), null);
  // Decisions take turns, like the database's lock: one reads only what the previous recorded.
  const turns = new SerialQueue();

  const store: MemoryOutreachStore = {
    async recordContact(input) {
      contacts.push({ ...input, persons: [...input.persons], at: new Date(input.at) });
    },
    recordContactUnless(contact, refuse) {
      return turns.run(async () => {
        if (contacts.some((r) => r.id === contact.id)) return 'recorded' as const;
        const why = await refuse(store);
        if (why !== null) return why;
        contacts.push({ ...contact, persons: [...contact.persons], at: new Date(contact.at) });
        return null;
      });
    },
    async countContacts(persons, since) {
      return contacts.filter((r) => r.at >= since && hits(r, persons)).length;
    },
    async lastContactInChannel(channelId, kind) {
      return newest(contacts.filter((r) => r.channelId === channelId && r.kind === kind));
    },
    async lastContactOf(persons, kind) {
      return newest(contacts.filter((r) => r.kind === kind && hits(r, persons)));
    },
    async setOptOut(person, at) {
      optOuts.set(person, at);
    },
    async clearOptOut(persons) {
      for (const p of persons) optOuts.delete(p);
    },
    async isOptedOut(persons) {
      return persons.some((p) => optOuts.has(p));
    },
    async saveLinkCode({ code, leadId, expiresAt }) {
      for (const [c, v] of codes) if (v.leadId === leadId) codes.delete(c);
      codes.set(code, { leadId, expiresAt });
    },
    async takeLinkCode(code, now) {
      const found = codes.get(code);
      if (!found) return null;
      codes.delete(code);
      return found.expiresAt > now ? { leadId: found.leadId } : null;
    },
    async erase(persons, leadId) {
      contacts = contacts.filter((r) => !hits(r, persons));
      for (const p of persons) optOuts.delete(p);
      if (leadId) for (const [c, v] of codes) if (v.leadId === leadId) codes.delete(c);
    },
    dump() {
      return {
        contacts: contacts.map((r) => ({ ...r })),
        optOuts: [...optOuts.keys()],
        codes: [...codes].map(([code, v]) => ({ code, leadId: v.leadId })),
      };
    },
  };
  return store;
}
