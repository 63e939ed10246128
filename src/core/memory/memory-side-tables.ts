/**
 * In-memory {@link BookingLinkStore} and {@link IdentityProfiles}: rows in the store's tables,
 * written through its journal.
 */
import type {
  BookingLink,
  BookingLinkStore,
  IdentityKey,
  IdentityProfiles,
  PersonProfile,
} from '../ports/index.ts';
import { JournaledTables } from './journaled-tables.ts';
import { copy } from './memory-state.ts';

export class MemoryBookingLinks extends JournaledTables implements BookingLinkStore {
  async create(link: Pick<BookingLink, 'id' | 'leadId' | 'target' | 'createdAt'>): Promise<BookingLink> {
    const t = this.tables();
    if (t.bookingLinks.has(link.id)) throw new Error(`booking link ${link.id} exists`);
    if (!t.leads.has(link.leadId)) throw new Error(`lead ${link.leadId} does not exist`);
    const row: BookingLink = { ...link, firstClickedAt: null, lastClickedAt: null, clicks: 0 };
    this.put(t.bookingLinks, link.id, row);
    return copy(row);
  }

  async click(id: string, at: Date): Promise<string | null> {
    const t = this.tables();
    const row = t.bookingLinks.get(id);
    if (!row) return null;
    this.put(t.bookingLinks, id, {
      ...row,
      firstClickedAt: row.firstClickedAt ?? at,
      lastClickedAt: at,
      clicks: row.clicks + 1,
    });
    return row.target;
  }

  async listForLead(leadId: string): Promise<BookingLink[]> {
    return [...this.tables().bookingLinks.values()]
      .filter((r) => r.leadId === leadId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map(copy);
  }
}

/** In-memory {@link IdentityProfiles}: the account's row replaced through the journal. */
export class MemoryProfiles extends JournaledTables implements IdentityProfiles {
  async refresh(key: IdentityKey, profile: PersonProfile, at: Date): Promise<void> {
    const t = this.tables();
    // The memory repo's key of an account (memory-repo.ts).
    const k = `${key.platform}\u0000${key.workspaceId}\u0000${key.userId}`;
    const row = t.identities.get(k);
    if (row) this.put(t.identities, k, { ...row, ...profile, profileAt: at });
  }
}
