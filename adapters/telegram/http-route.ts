/**
 * Telegram's webhook (`POST /telegram/webhook`) on the app's HTTP server. Per request: check
 * `X-Telegram-Bot-Api-Secret-Token` in constant time (401), read at most
 * {@link TELEGRAM_MAX_BODY} bytes (413), require an object with an integer `update_id` (400),
 * store the update in the inbox, answer 200, then process it. Telegram does not resend an
 * update it got a 200 for; the inbox's poll loop processes one this process did not finish.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Update } from 'grammy/types';
import type { Inbox } from '../../src/core/inbox/inbox.ts';
import type { Logger } from '../../src/core/ports/index.ts';
import { httpStatusOf, malformed, readJsonObject } from '../shared/http-body.ts';

/**
 * An update carries one message or callback: at most 4,096 characters of text (1,024 of
 * caption) with its entities, and the message it replies to. That is tens of kilobytes at the
 * very most; a quarter of a megabyte leaves room without buffering whatever a caller sends.
 */
export const TELEGRAM_MAX_BODY = 256 * 1024;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compares digests, so neither the content nor the length of the secret leaks through timing. */
function secretMatcher(secret: string): (given: unknown) => boolean {
  const expected = digest(secret);
  return (given) => typeof given === 'string' && timingSafeEqual(digest(given), expected);
}

export interface TelegramRouteOptions {
  secret: string;
  inbox: Inbox;
  logger: Logger;
  /** False before `start` and after `stop`: Telegram gets 503 and retries later. */
  accepting: () => boolean;
  /** Processes one update (grammY's `bot.handleUpdate`). */
  process: (update: Update) => Promise<void>;
}

/** The route handler; every promise in it is awaited and every failure answered. */
export function createTelegramRoute(o: TelegramRouteOptions) {
  const matches = secretMatcher(o.secret);
  return async function telegramRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!o.accepting() || !matches(req.headers['x-telegram-bot-api-secret-token'])) {
      req.resume();
      res.writeHead(o.accepting() ? 401 : 503).end();
      return;
    }
    let stored = false;
    try {
      const { raw, value } = await readJsonObject(req, TELEGRAM_MAX_BODY);
      if (!Number.isSafeInteger(value.update_id)) throw malformed('update_id must be an integer');
      const update = value as unknown as Update;
      const entry = await o.inbox.receive('telegram', String(update.update_id), raw);
      stored = true;
      res.writeHead(200).end();
      if (entry) await o.inbox.run(entry, { work: async () => void (await o.process(update)) });
    } catch (err) {
      if (stored) return; // answered; the inbox recorded the failure and retries the update
      const status = httpStatusOf(err);
      const message = err instanceof Error ? err.message : String(err);
      if (status >= 500) o.logger.error({ err: message }, 'telegram webhook failed');
      else o.logger.warn({ status, err: message }, 'telegram webhook request refused');
      if (!res.headersSent) res.writeHead(status).end();
    }
  };
}
