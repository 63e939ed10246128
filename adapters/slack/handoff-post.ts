/**
 * Posting a handoff message exactly once, for the two Slack handoff sinks (sales-thread.ts in
 * the alert's thread, prospect-messenger.ts in a prospect's DM). Like the alert sink: each
 * message carries its idempotency key as metadata (event_type `leadbot_handoff`), and before
 * posting, the conversation is searched for it — the thread with `conversations.replies`, the
 * DM with `conversations.history` — so a process that died between posting and the outbox's
 * `markDelivered` finds its message when the row is claimed again instead of posting twice.
 *
 * A text longer than one message is posted as several; each part has its own key (`key`,
 * `key#2`, …), so a crash between parts posts only the parts still missing.
 */
import type { WebClient } from '@slack/web-api';
import { splitToFit } from '../../src/core/text-fit.ts';
import { toPlatformError } from './errors.ts';
import { escapeMrkdwn } from './escape.ts';

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

type Page = {
  messages?: { ts?: string; metadata?: unknown }[];
  response_metadata?: { next_cursor?: string };
};

/** Where a handoff message goes: a channel, and in it the thread of `threadTs` when given. */
export interface HandoffTarget {
  channel: string;
  threadTs?: string;
}

/** The key → ts of handoff messages already in the conversation (the thread, or the DM's recent history). */
async function postedKeys(client: WebClient, target: HandoffTarget): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let cursor: string | undefined;
  let seen = 0;
  while (seen < SEARCH_LIMIT) {
    const args = {
      channel: target.channel,
      include_all_metadata: true,
      limit: Math.min(100, SEARCH_LIMIT - seen),
      cursor,
    };
    const page: Page = target.threadTs
      ? await client.conversations.replies({ ...args, ts: target.threadTs })
      : await client.conversations.history(args);
    const messages = page.messages ?? [];
    for (const m of messages) {
      const meta = m.metadata as
        | { event_type?: string; event_payload?: { idempotency_key?: unknown } }
        | undefined;
      const key = meta?.event_payload?.idempotency_key;
      if (meta?.event_type === HANDOFF_EVENT_TYPE && typeof key === 'string' && m.ts) found.set(key, m.ts);
    }
    seen += messages.length;
    cursor = page.response_metadata?.next_cursor || undefined;
    if (!cursor || messages.length === 0) break;
  }
  return found;
}

/**
 * Posts `parts` (escaped mrkdwn) to `target` unless they are there already; returns the `ts`
 * of the first part. Errors are `DeliveryError`s for the outbox dispatcher.
 */
export async function postHandoffOnce(
  client: WebClient,
  target: HandoffTarget,
  parts: string[],
  key: string,
  leadId: string,
): Promise<string> {
  let method = target.threadTs ? 'conversations.replies' : 'conversations.history';
  try {
    const earlier = await postedKeys(client, target);
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
