/**
 * `GET /r/<id>`: the booking link of an SQL's final message (src/core/booking/booking-link.ts).
 * Redirects (303) to the booking URL stored with the id and counts the click; anything else is
 * a 404 page. Public, so: rate-limited per client address before anything is read, ids of the
 * wrong shape never reach the database, and the only place it redirects to is a stored target
 * (never a URL taken from the request: no open redirect).
 *
 * Link previews (Telegram, Slack, Discord and the like fetch a link to show a card) get a page
 * with a title, no redirect and no count: the lead card says whether the person followed it.
 */
import type { IncomingMessage } from 'node:http';
import type { ClientLimits, HttpRoutes } from '../../adapters/shared/types.ts';
import { html, sendHtml } from '../../adapters/web/html.ts';
import { BOOKING_PATH, isBookingId } from '../core/booking/booking-link.ts';
import { RateLimitedError } from '../core/errors.ts';
import type { BookingLinkStore, Clock, Logger } from '../core/ports/index.ts';
import { routePath } from './ops/request-target.ts';

export interface BookingRouteDeps {
  links: Pick<BookingLinkStore, 'click'>;
  clock: Clock;
  logger: Logger;
  /** The per-address budget of the route (src/app/rate-limits.ts); required: the route is public. */
  limits: Pick<ClientLimits, 'request'>;
}

/** User agents of link-preview fetchers, which open every link posted in a chat. */
const PREVIEWERS =
  /TelegramBot|Slackbot|Slack-ImgProxy|Discordbot|facebookexternalhit|Twitterbot|WhatsApp|LinkedInBot|SkypeUriPreview|Googlebot|bingbot/i;

/** Whether the request is a chat platform's link preview rather than a person. */
export function isLinkPreview(req: IncomingMessage): boolean {
  return PREVIEWERS.test(req.headers['user-agent'] ?? '');
}

const page = (title: string, text: string) =>
  html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body><main><h1>${title}</h1><p>${text}</p></main></body></html>`;

const PREVIEW = page('Book a meeting', 'Open the link to pick a time with our team.');
const NOT_FOUND = page('This link is not valid', 'The booking link is incomplete or no longer exists.');

/** Mounts `GET /r/*`. */
export function mountBookingRoute(http: HttpRoutes, deps: BookingRouteDeps): void {
  const log = deps.logger.child({ component: 'booking-link' });
  http.route('GET', `${BOOKING_PATH}*`, async (req, res) => {
    try {
      await deps.limits.request(req);
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      sendHtml(res, 429, page('Too many requests', 'Please try again in a minute.'), {
        'retry-after': String(err.retryAfterSeconds),
      });
      return;
    }
    // The path as the router read it (query dropped, a proxy's absolute form too); the id is all after /r/.
    const id = (routePath(req.url) ?? '').slice(BOOKING_PATH.length);
    if (!isBookingId(id)) return sendHtml(res, 404, NOT_FOUND);
    // A preview card needs a title, not the booking page (nor the person's email in its URL).
    if (isLinkPreview(req)) return sendHtml(res, 200, PREVIEW);
    const target = await deps.links.click(id, deps.clock.now());
    if (!target) return sendHtml(res, 404, NOT_FOUND);
    log.info({ link: id.slice(0, 4) }, 'booking link followed');
    res.writeHead(303, {
      location: target,
      'cache-control': 'no-store',
      // The booking site need not learn leadbot's link (its id is the click counter's key).
      'referrer-policy': 'no-referrer',
    });
    res.end();
  });
}
