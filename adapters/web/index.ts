/**
 * Web chat adapter: the fourth channel, served by the app's own HTTP server.
 *
 * Per request: read the JSON the widget posts → map it (inbound.ts, pure) → store it in the
 * durable inbox → let the engine handle it (it commits state and de-duplicates on the
 * client-generated event id) → render the replies (outbound.ts, pure) → answer them in the HTTP
 * response. A retried request for an event still pending (the process died) handles it and
 * answers its replies (durable.ts); one whose answer was already sent gets an empty answer.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RateLimitedError } from '../../src/core/errors.ts';
import type { ChatAdapter, InboundHandler, ProspectMessenger } from '../../src/core/ports/index.ts';
import { requireInbox, requireLimits } from '../shared/deps.ts';
import { readBody as readRawBody } from '../shared/http-body.ts';
import type { AdapterDeps, HttpRoutes } from '../shared/types.ts';
import type { WebAdapterConfig } from './config.ts';
import { createWebInbox } from './durable.ts';
import { badRequest, statusOf, toPlatformError } from './errors.ts';
import { securityHeaders, sendHtml } from './html.ts';
import { toInboundEvent } from './inbound.ts';
import { createWebProspectMessenger } from './messenger.ts';
import { embedPage, landingPage } from './pages.ts';
import { transcriptRoute, VISITOR_HEADER, WEB_MESSAGES_PATH } from './transcript-route.ts';

export type { WebAdapterConfig } from './config.ts';
export { parseWebConfig, WEB_VARIABLES, webConfigSchema } from './config.ts';

/** Where the widget posts its events. */
export const WEB_EVENTS_PATH = '/api/chat/events';
const MAX_BODY = 16 * 1024;
/** A resent event another request is still handling: the widget retries after Retry-After. */
const STILL_WORKING = 'Still working on your last message; one moment.';

export interface WebAdapter extends ChatAdapter {
  readonly platform: 'web';
  /** True between `start` and `stop` (while requests are accepted). */
  isConnected(): boolean;
  /** Resolves when every accepted request has been answered. */
  idle(): Promise<void>;
  /** Handoff messages to a visitor: delivered by the transcript row the widget polls. */
  readonly prospectMessenger: ProspectMessenger;
}

const asset = (name: string) => readFileSync(new URL(`./static/${name}`, import.meta.url));
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  '/widget.js': { type: 'text/javascript; charset=utf-8', body: asset('widget.js') },
  '/widget.css': { type: 'text/css; charset=utf-8', body: asset('widget.css') },
  '/site.css': { type: 'text/css; charset=utf-8', body: asset('site.css') },
};

/** Reads a request body up to `max` bytes as text (413 `TOO_LARGE` beyond). */
export async function readBody(req: IncomingMessage, max = MAX_BODY): Promise<string> {
  return (await readRawBody(req, max)).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extra,
  });
  res.end(JSON.stringify(body));
}

/** Creates the adapter; routes are mounted on `deps.http` by `start`. */
export function createWebAdapter(config: WebAdapterConfig, deps: AdapterDeps): WebAdapter {
  const log = deps.logger.child({ adapter: 'web' });
  const allowed = new Set(config.allowedOrigins);
  const inFlight = new Set<Promise<unknown>>();
  let handler: InboundHandler | undefined;
  let accepting = false;
  const durable = createWebInbox(requireInbox(deps, 'web'), () => handler);
  const limits = requireLimits(deps, 'web');

  /** CORS for sites allowed to embed the widget; the same origin needs none. */
  function cors(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (!origin || !allowed.has(origin)) return {};
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'POST, GET',
      'access-control-allow-headers': `content-type, ${VISITOR_HEADER}`,
      'access-control-max-age': '600',
      vary: 'origin',
    };
  }

  async function onEvent(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!accepting || !handler) {
      json(
        res,
        503,
        { error: 'The chat is restarting; please try again in a moment.' },
        { 'retry-after': '2' },
      );
      return;
    }
    const headers = cors(req);
    const origin = req.headers.origin;
    if (origin && !headers['access-control-allow-origin'] && origin !== selfOrigin(req)) {
      json(res, 403, { error: 'This site may not use the chat (see WEB_CHAT_ORIGINS).' });
      return;
    }
    const work = (async () => {
      try {
        await limits.request(req); // before the body is read: a flood costs no parsing
        const text = await readBody(req);
        const event = toInboundEvent(JSON.parse(text));
        if (!event) return json(res, 200, { messages: [] }, headers);
        await limits.visitor(event.userId, req);
        log.debug({ eventId: event.eventId, kind: event.kind }, 'inbound');
        const messages = await durable.answer(event, text);
        if (!messages) return json(res, 503, { error: STILL_WORKING }, { ...headers, 'retry-after': '1' });
        json(res, 200, { messages }, headers);
      } catch (err) {
        const e = toPlatformError(err);
        if (e instanceof RateLimitedError) {
          // Logged by the limiter, once a minute per client.
          return json(
            res,
            429,
            { error: e.userMessage },
            { ...headers, 'retry-after': String(e.retryAfterSeconds) },
          );
        }
        if (e.code === 'BAD_INPUT') log.warn({ err: e.message }, 'web chat request refused');
        else log.error({ err: e.message, code: e.code }, 'web chat request failed');
        json(res, statusOf(e), { error: e.userMessage }, headers);
      }
    })();
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  }

  function mount(http: HttpRoutes): void {
    http.route('GET', '/', (_req, res) => sendHtml(res, 200, landingPage()));
    http.route('GET', '/embed', (req, res) => sendHtml(res, 200, embedPage(selfOrigin(req))));
    for (const [path, { type, body }] of Object.entries(ASSETS)) {
      http.route('GET', path, (_req, res) => {
        res.writeHead(200, {
          'content-type': type,
          'cache-control': 'public, max-age=300',
          'x-content-type-options': 'nosniff',
          // Other sites load the widget and its stylesheet.
          'cross-origin-resource-policy': 'cross-origin',
        });
        res.end(body);
      });
    }
    http.route('POST', WEB_EVENTS_PATH, onEvent, { maxBodyBytes: MAX_BODY });
    // A rep's messages in a handoff: the widget polls them (transcript-route.ts).
    if (deps.store)
      http.route('GET', WEB_MESSAGES_PATH, transcriptRoute({ store: deps.store, limits, logger: log, cors }));
    for (const path of [WEB_EVENTS_PATH, WEB_MESSAGES_PATH])
      http.route('OPTIONS', path, (req, res) => {
        res.writeHead(204, { ...cors(req), ...securityHeaders() });
        res.end();
      });
  }

  const prospectMessenger = createWebProspectMessenger();
  deps.handoff?.register(prospectMessenger);
  let mounted = false;
  return {
    platform: 'web',
    prospectMessenger,
    async start(h) {
      handler = h;
      durable.register();
      if (!deps.http) throw badRequest('the web chat needs the app HTTP server (deps.http)');
      if (!mounted) mount(deps.http);
      mounted = true;
      accepting = true;
      log.info({ path: '/', events: WEB_EVENTS_PATH }, 'web chat mounted');
    },
    async stop() {
      // New requests get 503 (the widget retries); accepted ones finish first.
      accepting = false;
      await this.idle();
    },
    isConnected: () => accepting,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** `http(s)://host` of this server as the browser reached it (behind a proxy: X-Forwarded-Proto). */
function selfOrigin(req: IncomingMessage): string {
  const proto =
    String(req.headers['x-forwarded-proto'] ?? 'http')
      .split(',')[0]
      ?.trim() || 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}`;
}
