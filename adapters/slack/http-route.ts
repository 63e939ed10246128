/**
 * Slack's Request URL (`POST /slack/events`: Events API, interactivity, slash commands) on the
 * app's HTTP server. Per request: read at most {@link SLACK_MAX_BODY} bytes (413 beyond), answer
 * `ssl_check`, verify the signature with bolt's own `verifySlackRequest` (401), require a JSON
 * object — or a form body whose `payload` is one — (400), answer `url_verification`, store the
 * event in the inbox, answer 200, then hand the body to bolt with `app.processEvent`. A crash
 * after the 200 loses nothing: the stored event is processed by the inbox's poll loop.
 *
 * A `view_submission` is processed up to its listener's `ack` before the answer, because that
 * ack can carry what the user sees (the Not-a-fit modal's `response_action: errors`); it is
 * stored first all the same, so the work after the ack survives a crash too.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import { type App, HTTPModuleFunctions, type Receiver, verifySlackRequest } from '@slack/bolt';
import type { Inbox } from '../../src/core/inbox/inbox.ts';
import type { Logger } from '../../src/core/ports/index.ts';
import { httpStatusOf, malformed, parseJsonObject, readBody } from '../shared/http-body.ts';

/**
 * Slack's payloads are small: a message is at most 40,000 characters, and event envelopes,
 * block actions and modal submissions stay far below a megabyte even with multi-byte text
 * repeated in blocks. Bolt's own default is 4 MB; anything near that is not from Slack.
 */
export const SLACK_MAX_BODY = 1024 * 1024;

/** Slack waits 3 s for an answer; a modal's listener must have acked before then. */
const VIEW_ACK_WAIT_MS = 2500;

// biome-ignore lint/suspicious/noExplicitAny: raw Slack bodies; the listeners validate them.
type Body = Record<string, any>;

/**
 * The receiver bolt is constructed with in HTTP mode: the route below does the receiving, so
 * it only has to exist (bolt's `Receiver` interface).
 */
export function routeReceiver(): Receiver {
  return { init: () => {}, start: async () => undefined, stop: async () => undefined };
}

/** What Slack sent, parsed: a JSON body, or a form body (a `payload` object, or a slash command's fields). */
function parseBody(raw: string, contentType: string | undefined): Body {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return parseJsonObject(raw);
  const form = parseForm(raw);
  if (form.payload === undefined) return form;
  if (typeof form.payload !== 'string') throw malformed('the body must carry one payload');
  return parseJsonObject(form.payload);
}

/** The inbox key of a delivery: stable across Slack's retries of the same event. */
export function slackDeliveryId(body: Body, raw: string): string {
  if (typeof body.event_id === 'string' && body.event_id) return `event:${body.event_id}`;
  if (typeof body.trigger_id === 'string' && body.trigger_id) return `trigger:${body.trigger_id}`;
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

function verified(req: IncomingMessage, raw: string, signingSecret: string): boolean {
  try {
    verifySlackRequest({
      signingSecret,
      body: raw,
      headers: {
        'x-slack-signature': header(req, 'x-slack-signature') ?? '',
        'x-slack-request-timestamp': Number(header(req, 'x-slack-request-timestamp')),
      },
    });
    return true;
  } catch {
    return false;
  }
}

export interface SlackRouteOptions {
  app: App;
  signingSecret: string;
  inbox: Inbox;
  logger: Logger;
  /** False before `start` and after `stop`: requests get 503 and Slack retries them. */
  accepting: () => boolean;
}

/** The route handler; every promise in it is awaited and every failure answered. */
export function createSlackRoute(o: SlackRouteOptions) {
  const { app, inbox, logger } = o;
  const noAck = async () => {};

  /** Processes a stored interaction, answering Slack with what its listener acks. */
  async function processView(
    entry: Parameters<Inbox['run']>[0],
    body: Body,
    res: ServerResponse,
  ): Promise<void> {
    let answered = false;
    const answer = (response?: unknown) => {
      if (answered) return;
      answered = true;
      HTTPModuleFunctions.buildContentResponse(res, response);
    };
    const timer = setTimeout(answer, VIEW_ACK_WAIT_MS);
    try {
      await inbox.run(entry, {
        work: async () => {
          await app.processEvent({ body, ack: async (response?: unknown) => answer(response) });
          return undefined;
        },
      });
    } finally {
      clearTimeout(timer);
      answer();
    }
  }

  return async function slackRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!o.accepting()) {
      req.resume();
      res.writeHead(503).end();
      return;
    }
    let stored = false;
    try {
      const raw = (await readBody(req, SLACK_MAX_BODY)).toString('utf8');
      const contentType = header(req, 'content-type');
      // Slack's ssl_check carries no signature (bolt answers it the same way, before verifying).
      if (contentType?.startsWith('application/x-www-form-urlencoded') && parseForm(raw).ssl_check === '1') {
        HTTPModuleFunctions.buildSSLCheckResponse(res);
        return;
      }
      if (!verified(req, raw, o.signingSecret)) {
        logger.warn({}, 'slack request refused: bad signature or stale timestamp');
        res.writeHead(401).end();
        return;
      }
      const body = parseBody(raw, contentType);
      if (body.type === 'url_verification') {
        HTTPModuleFunctions.buildUrlVerificationResponse(res, body);
        return;
      }
      const entry = await inbox.receive('slack', slackDeliveryId(body, raw), JSON.stringify(body));
      stored = true;
      if (entry && body.type === 'view_submission') return await processView(entry, body, res);
      res.writeHead(200).end();
      if (!entry) return; // a redelivery: the first copy is (being) processed
      await inbox.run(entry, {
        work: async () => {
          await app.processEvent({
            body,
            ack: noAck,
            retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
            retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
          });
          return undefined;
        },
      });
    } catch (err) {
      const status = httpStatusOf(err);
      const message = err instanceof Error ? err.message : String(err);
      if (stored) {
        // Already answered or about to be: the inbox recorded the failure and retries it.
        if (!res.headersSent) res.writeHead(200).end();
        return;
      }
      if (status >= 500) logger.error({ err: message }, 'slack request failed');
      else logger.warn({ status, err: message }, 'slack request refused');
      if (!res.headersSent) res.writeHead(status).end();
    }
  };
}
