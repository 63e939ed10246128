/**
 * `GET /api/chat/messages?after=<id>`: what a sales rep wrote to this visitor since the widget
 * last asked (the handoff's transcript, src/core/ports/handoff.ts). The web ProspectMessenger
 * (web-messenger.ts) delivers by the transcript row existing; this route is how the widget
 * reads it.
 *
 * Scoped to the asking visitor: the visitor id (the widget's random id, the same identity its
 * events carry) comes in the `X-Visitor-Id` header — not the URL, which proxies log — and only
 * the transcript of the lead behind that web identity is read. Anyone can call it, so it is
 * rate-limited like the chat (per address before anything else, then per visitor), takes no
 * body, answers at most {@link PAGE} messages of at most {@link MAX_TEXT} characters, and
 * turns every malformed input into a 400, never a 5xx.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimitedError } from '../../src/core/errors.ts';
import { handoffWords, noticeOf } from '../../src/core/handoff/words.ts';
import type { LeadStore, Logger, TranscriptMessage } from '../../src/core/ports/index.ts';
import { clip } from '../../src/core/text-fit.ts';
import type { ClientLimits } from '../shared/types.ts';
import { badRequest, statusOf, toPlatformError } from './errors.ts';

export const WEB_MESSAGES_PATH = '/api/chat/messages';
/** The header that names the visitor (a CORS-allowed request header). */
export const VISITOR_HEADER = 'x-visitor-id';
/** Messages per answer; the widget asks again at once when it got a full page. */
export const PAGE = 50;
/** A message longer than this is clipped in the widget (the dashboard shows it whole). */
export const MAX_TEXT = 4000;
/**
 * How soon the widget should ask again: often while a rep is talking, rarely otherwise, so a
 * page left open costs little and the visitor's request budget stays for their own messages.
 */
export const POLL_MS = { open: 4000, idle: 20_000, none: 60_000 } as const;

const ID = /^[A-Za-z0-9_-]{8,64}$/;

/** What the widget shows of one transcript row. */
export interface WidgetMessage {
  id: string;
  /** `rep`: a rep's message; `notice`: the bot's own line (joined, closed); `me`: the visitor's. */
  from: 'rep' | 'notice' | 'me';
  name: string | null;
  text: string;
  at: string;
}

export interface TranscriptAnswer {
  messages: WidgetMessage[];
  /** The cursor for the next request (the last row read, shown or not). */
  after: string | null;
  pollMs: number;
}

/**
 * A notice row in the words every other platform's prospect reads (src/core/handoff/words.ts
 * wrote the stored line and reads it back); a line it did not write is shown as stored.
 */
function noticeText(m: TranscriptMessage): string {
  const notice = noticeOf(m.text, m.authorName);
  return notice ? handoffWords(notice).text : m.text;
}

const asWidget = (m: TranscriptMessage): WidgetMessage => ({
  id: m.id,
  from: m.direction === 'to_prospect' ? 'rep' : m.direction === 'notice' ? 'notice' : 'me',
  name: m.authorName,
  text: clip(m.direction === 'notice' ? noticeText(m) : m.text, MAX_TEXT),
  at: m.createdAt.toISOString(),
});

/** The visitor's new transcript rows (pure of HTTP: the route's core, also used by tests). */
export async function readTranscript(
  store: Pick<LeadStore, 'findIdentity' | 'getLead' | 'handoffs'>,
  visitorId: string,
  after: string | undefined,
): Promise<TranscriptAnswer> {
  const identity = await store.findIdentity({ platform: 'web', workspaceId: '', userId: visitorId });
  if (!identity) return { messages: [], after: after ?? null, pollMs: POLL_MS.none };
  const [lead, rows] = await Promise.all([
    store.getLead(identity.leadId),
    store.handoffs.listMessages(identity.leadId, { ...(after ? { after } : {}), limit: PAGE }),
  ]);
  return {
    messages: rows.map(asWidget),
    after: rows.at(-1)?.id ?? after ?? null,
    pollMs: lead?.openHandoffId ? POLL_MS.open : POLL_MS.idle,
  };
}

/** The route's handler. `cors` gives the headers for an allowed embedding origin. */
export function transcriptRoute(opts: {
  store: Pick<LeadStore, 'findIdentity' | 'getLead' | 'handoffs'>;
  limits: ClientLimits;
  logger: Logger;
  cors: (req: IncomingMessage) => Record<string, string>;
}) {
  const send = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string>) => {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      vary: `origin, ${VISITOR_HEADER}`,
      ...extra,
    });
    res.end(JSON.stringify(body));
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const headers = opts.cors(req);
    try {
      await opts.limits.request(req);
      const visitor = req.headers[VISITOR_HEADER];
      if (typeof visitor !== 'string' || !ID.test(visitor))
        throw badRequest(`the ${VISITOR_HEADER} header must be 8-64 characters among A-Z, a-z, 0-9, _ and -`);
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const after = query.get('after') ?? undefined;
      if (after !== undefined && !ID.test(after)) throw badRequest('after must be a message id');
      await opts.limits.visitor(visitor, req);
      send(res, 200, await readTranscript(opts.store, visitor, after), headers);
    } catch (err) {
      const e = toPlatformError(err, 'web chat messages');
      if (e instanceof RateLimitedError)
        return send(
          res,
          429,
          { error: e.userMessage },
          { ...headers, 'retry-after': String(e.retryAfterSeconds) },
        );
      if (e.code === 'BAD_INPUT') opts.logger.debug({ err: e.message }, 'web chat messages refused');
      else opts.logger.error({ err: e.message, code: e.code }, 'web chat messages failed');
      send(res, statusOf(e), { error: e.userMessage }, headers);
    }
  };
}
