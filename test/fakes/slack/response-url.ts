/**
 * Response URLs of the fake Slack: what a slash command or a click carries so the app can answer
 * without being in the channel. Documented semantics
 * (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses):
 * - usable "up to five times within 30 minutes" of the invocation;
 * - `response_type: 'ephemeral'` (the default) shows the message to the invoking user only,
 *   `'in_channel'` posts it in the channel for everyone — also where the app is not a member;
 * - `replace_original: true` replaces the message the click came from (needs one),
 *   `delete_original: true` deletes it;
 * - the blocks are checked like any message (limits.ts).
 * A spent or expired URL answers 404 `{ ok: false, error: 'used_url' | 'expired_url' }`.
 */
import { messageRefusal, SLACK_LIMITS } from './limits.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON as the client sent it.
type Json = any;

/** Where a response URL posts, and how often it was used. */
export interface ResponseTarget {
  channel: string;
  user: string;
  /** The message a click came from (for `replace_original` / `delete_original`). */
  messageTs?: string;
  createdAt: number;
  uses: number;
}

/** One message posted through a response URL, as the fake saw it. */
export interface FakeResponse {
  id: string;
  channel: string;
  user: string;
  responseType: 'ephemeral' | 'in_channel';
  replaceOriginal: boolean;
  text: string;
  blocks: Json[];
}

/** What posting `body` to the URL of `target` does; `now` in ms. */
export function answerResponse(
  target: ResponseTarget | undefined,
  body: Json,
  now: number,
): { status: number; answer: Json } {
  if (!target) return { status: 404, answer: { ok: false, error: 'expired_url' } };
  if (now - target.createdAt > SLACK_LIMITS.responseUrlMinutes * 60_000)
    return { status: 404, answer: { ok: false, error: 'expired_url' } };
  if (target.uses >= SLACK_LIMITS.responseUrlUses)
    return { status: 404, answer: { ok: false, error: 'used_url' } };
  target.uses++;
  if (body.delete_original) return { status: 200, answer: { ok: true } };
  const refusal = messageRefusal(body);
  if (refusal) return { status: 200, answer: refusal };
  if (body.replace_original && !target.messageTs)
    return { status: 200, answer: { ok: false, error: 'cannot_replace_original' } };
  return { status: 200, answer: { ok: true } };
}
