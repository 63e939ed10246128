/** In-memory {@link BookingLinkStore}: rows in the store's tables, written through its journal. */
import type { BookingLink, BookingLinkStore } from '../ports/index.ts';
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
