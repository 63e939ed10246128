/**
 * The unsubscribe link every follow-up email carries, on leadbot's HTTP server:
 * `GET /email/unsubscribe?t=<token>` shows a confirm page (link scanners and previews fetch
 * links, so a GET changes nothing); `POST` to the same address unsubscribes in one click —
 * what mail clients send for RFC 8058 (`List-Unsubscribe=One-Click`) and what the page's
 * button sends. Public: rate-limited per client, body capped, token signature checked.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimitedError } from '../../src/core/errors.ts';
import {
  type UnsubscribeDeps,
  unsubscribeLead,
  verifyUnsubscribeToken,
} from '../../src/core/nurture/unsubscribe.ts';
import type { LeadRepo, Logger } from '../../src/core/ports/index.ts';
import { readBody } from '../shared/http-body.ts';
import type { ClientLimits, HttpRoutes } from '../shared/types.ts';
import { html, type SafeHtml, sendHtml } from '../web/html.ts';

export const UNSUBSCRIBE_PATH = '/email/unsubscribe';
/** RFC 8058's body is 26 bytes; a form adds nothing else. Anything larger is not ours. */
export const UNSUBSCRIBE_MAX_BODY = 256;

/** The link for a lead: `<publicUrl>/email/unsubscribe?t=<token>`. */
export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl}${UNSUBSCRIBE_PATH}?t=${encodeURIComponent(token)}`;
}

export interface UnsubscribeRouteDeps extends UnsubscribeDeps {
  repo: Pick<LeadRepo, 'getLead'>;
  secret: string;
  logger: Logger;
  /** The per-address budget (src/app/rate-limits.ts); required: the route answers anyone. */
  limits: ClientLimits;
}

const page = (title: string, body: SafeHtml) =>
  html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

const INVALID = page(
  'This link is not valid',
  html`<p>The unsubscribe link is incomplete or damaged. Use the link of a recent email, or reply to it and ask to be removed.</p>`,
);

function tokenOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://x').searchParams.get('t') ?? '';
  } catch {
    return '';
  }
}

/** Mounts GET (confirm page) and POST (one-click unsubscribe) of the unsubscribe link. */
export function mountUnsubscribeRoute(http: HttpRoutes, deps: UnsubscribeRouteDeps): void {
  const log = deps.logger.child({ component: 'email-unsubscribe' });

  /** Rate limit, then the lead id the token was signed for; answers the request itself otherwise. */
  async function admit(req: IncomingMessage, res: ServerResponse): Promise<string | null> {
    try {
      await deps.limits.request(req);
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      sendHtml(res, 429, page('Too many requests', html`<p>Please try again in a minute.</p>`), {
        'retry-after': String(err.retryAfterSeconds),
      });
      return null;
    }
    const leadId = verifyUnsubscribeToken(deps.secret, tokenOf(req));
    if (!leadId) sendHtml(res, 400, INVALID);
    return leadId;
  }

  http.route('GET', UNSUBSCRIBE_PATH, async (req, res) => {
    if (!(await admit(req, res))) return;
    // Same address, POST: the token stays in the query string, the form carries RFC 8058's field.
    const action = `${UNSUBSCRIBE_PATH}?t=${encodeURIComponent(tokenOf(req))}`;
    sendHtml(
      res,
      200,
      page(
        'Unsubscribe from our emails?',
        html`<form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
      ),
    );
  });

  http.route(
    'POST',
    UNSUBSCRIBE_PATH,
    async (req, res) => {
      const leadId = await admit(req, res);
      if (!leadId) return;
      try {
        await readBody(req, UNSUBSCRIBE_MAX_BODY); // drained, never needed: the signed token decides
      } catch {
        return sendHtml(res, 413, page('Request too large', html`<p>Use the link of the email.</p>`));
      }
      // A forgotten lead has nothing left to cancel, and no opt-out is written back for it.
      if (await deps.repo.getLead(leadId)) {
        const cancelled = await unsubscribeLead(deps, leadId);
        log.info({ leadId, cancelled }, 'unsubscribed from email follow-ups');
      }
      sendHtml(
        res,
        200,
        page('You are unsubscribed', html`<p>You will get no more follow-up messages from us.</p>`),
      );
    },
    { maxBodyBytes: UNSUBSCRIBE_MAX_BODY },
  );
}
