/**
 * Posting a handoff message exactly once, for the two Slack handoff sinks (sales-thread.ts in
 * the alert's thread, prospect-messenger.ts in a prospect's DM). Like the alert sink: each
 * message carries its idempotency key as metadata (event_type `leadbot_handoff`), and before
 * posting, the thread or the DM is searched for it (posted-keys.ts).
 *
 * A text longer than one message is posted as several; each part has its own key (`key`,
 * `key#2`, …), so a crash between parts posts only the parts still missing.
 */
import type { WebClient } from '@slack/web-api';
import { splitToFit } from '../../src/core/text-fit.ts';
import { toPlatformError } from './errors.ts';
import { escapeMrkdwn } from './escape.ts';
import { postedKeys, type SlackTarget } from './posted-keys.ts';

export const HANDOFF_EVENT_TYPE = 'leadbot_handoff';

/**
 * Escaped characters of one handoff message's `text`. Slack truncates a text above 40,000 and
 * recommends at most 4,000 ("For best results, limit the number of characters in the text
 * field to 4,000", https://docs.slack.dev/reference/methods/chat.postMessage#truncating): a
 * longer message is split into parts of this size.
 */
export const HANDOFF_TEXT_MAX = 4000;

/** Messages searched for an earlier post of a key (two pages). */
const SEARCH_LIMIT = 200;

/** `prefix` (already mrkdwn) then `text` escaped, as parts within {@link HANDOFF_TEXT_MAX}; the prefix leads the first. */
export function handoffParts(prefix: string, text: string): string[] {
  const parts = splitToFit(text, HANDOFF_TEXT_MAX - prefix.length, escapeMrkdwn);
  return parts.map((p, i) => (i === 0 ? `${prefix}${p}` : p));
}

/** The idempotency key of part `i` (0-based) of a message posted in `n` parts. */
export const partKey = (key: string, i: number) => (i === 0 ? key : `${key}#${i + 1}`);

/**
 * Posts `parts` (escaped mrkdwn) to `target` unless they are there already; returns the `ts`
 * of the first part. Errors are `DeliveryError`s for the outbox dispatcher.
 */
export async function postHandoffOnce(
  client: WebClient,
  target: SlackTarget,
  parts: string[],
  key: string,
  leadId: string,
): Promise<string> {
  let method = target.threadTs ? 'conversations.replies' : 'conversations.history';
  try {
    const earlier = await postedKeys(client, target, HANDOFF_EVENT_TYPE, SEARCH_LIMIT);
    let first: string | undefined = earlier.get(partKey(key, 0));
    method = 'chat.postMessage';
    for (const [i, text] of parts.entries()) {
      const k = partKey(key, i);
      if (earlier.has(k)) continue;
      const res = await client.chat.postMessage({
        channel: target.channel,
        ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
        text,
        metadata: { event_type: HANDOFF_EVENT_TYPE, event_payload: { idempotency_key: k, lead_id: leadId } },
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!res.ts) throw new Error('chat.postMessage returned no ts');
      if (i === 0) first = res.ts;
    }
    return first ?? earlier.values().next().value ?? '';
  } catch (err) {
    throw toPlatformError(err, method);
  }
}
