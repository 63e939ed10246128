/**
 * A meeting in the flow (#18): a flow's `bookingUrl` is offered to a lead who finishes the flow
 * as an SQL, in the final message. The message carries leadbot's own `<publicUrl>/r/<id>`, not
 * the booking URL: following it redirects to the booking URL with the lead's email prefilled
 * and counts the click (src/app/booking-route.ts), so the lead card can say whether the person
 * looked. The link row is written in the turn's transaction, with the final message's state.
 */
import type { Turn } from '../conversation.ts';
import type { BookingSetting } from '../flow/schema.ts';
import { render } from '../flow/template.ts';
import type { Flow } from '../flow/validate.ts';
import type { BookingLink } from '../ports/index.ts';

/** The sentence around the link when the flow gives none. */
export const DEFAULT_BOOKING_TEXT = 'Pick a time for a call with our team: {{link}}';

/** The path of the redirect route; ids are {@link ID_LENGTH} base64url characters. */
export const BOOKING_PATH = '/r/';
const ID_BYTES = 16;
export const ID_LENGTH = Math.ceil((ID_BYTES * 4) / 3);
const ID = new RegExp(`^[A-Za-z0-9_-]{${ID_LENGTH}}$`);

/** The flow's setting in its long form. */
export function bookingOf(setting: BookingSetting): { url: string; emailParam: string; text: string } {
  if (typeof setting === 'string') return { url: setting, emailParam: 'email', text: DEFAULT_BOOKING_TEXT };
  return { url: setting.url, emailParam: setting.emailParam, text: setting.text ?? DEFAULT_BOOKING_TEXT };
}

/** 128 random bits, base64url: the link's only secret, so it cannot be guessed or enumerated. */
export function newBookingId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(ID_BYTES));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

/** Whether `id` has the shape of an id this module makes (anything else is not looked up). */
export function isBookingId(id: string): boolean {
  return ID.test(id);
}

/** The booking URL with the lead's email in `emailParam` (replacing one the URL had). */
export function bookingTarget(url: string, emailParam: string, email: string | null): string {
  const u = new URL(url);
  if (email) u.searchParams.set(emailParam, email);
  return u.toString();
}

/** `<publicUrl>/r/<id>`. */
export function bookingLinkUrl(publicUrl: string, id: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${BOOKING_PATH}${id}`;
}

/**
 * The booking sentence for a lead who finished `flow` as an SQL, its link stored in the turn's
 * transaction; null when the flow offers no booking, the lead is not an SQL, or no public URL
 * is configured (the start refuses a flow with `bookingUrl` without one, so only tests see that).
 */
export async function offerBooking(t: Turn, flow: Flow): Promise<string | null> {
  const setting = flow.definition.bookingUrl;
  if (!setting || t.lead.stage !== 'SQL') return null;
  if (!t.publicUrl) {
    t.logger.warn({ flowId: flow.id }, 'booking link not sent: no PUBLIC_URL');
    return null;
  }
  const { url, emailParam, text } = bookingOf(setting);
  const id = newBookingId();
  await t.tx.bookingLinks.create({
    id,
    leadId: t.lead.id,
    target: bookingTarget(url, emailParam, t.lead.email),
    createdAt: t.now,
  });
  return render(text, { link: bookingLinkUrl(t.publicUrl, id) });
}

const minute = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** What the lead card and dashboard say of a link: `sent <when>, clicked <when> (n clicks)` or `not clicked`. */
export function bookingStatus(link: BookingLink): string {
  const clicked = link.firstClickedAt
    ? `clicked ${minute(link.firstClickedAt)}${link.clicks > 1 ? ` (${link.clicks} clicks)` : ''}`
    : 'not clicked';
  return `sent ${minute(link.createdAt)}, ${clicked}`;
}
