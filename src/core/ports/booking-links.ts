/** Booking links: the flow's meeting link sent to an SQL, through leadbot's own redirect. */

/**
 * One booking link sent to a lead. The message carries `<PUBLIC_URL>/r/<id>`; following it
 * redirects to `target` and counts the click, so the lead card can say whether it was clicked.
 */
export interface BookingLink {
  /** Random and unguessable (src/core/booking/booking-link.ts): the link's only secret. */
  id: string;
  leadId: string;
  /** The flow's booking URL with the lead's email as a query parameter. */
  target: string;
  createdAt: Date;
  firstClickedAt: Date | null;
  lastClickedAt: Date | null;
  clicks: number;
}

/**
 * Stored booking links. On {@link LeadRepo} inside a transaction, `create` is written in it (the
 * link lands with the final message's state or not at all); `forget` erases a lead's links.
 */
export interface BookingLinkStore {
  create(link: Pick<BookingLink, 'id' | 'leadId' | 'target' | 'createdAt'>): Promise<BookingLink>;
  /**
   * Counts one click (the first click's time is kept, the count and last time move) and returns
   * the stored target; null for an unknown id. One atomic statement.
   */
  click(id: string, at: Date): Promise<string | null>;
  /** A lead's links, oldest first. */
  listForLead(leadId: string): Promise<BookingLink[]>;
}
