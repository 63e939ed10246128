/**
 * Finding leadbot's own earlier posts in a Slack conversation: each carries its idempotency key
 * in the message metadata (`event_type` names the kind: an alert, a handoff message), so a
 * process that died between posting and the outbox's `markDelivered` finds its message when the
 * row is claimed again instead of posting twice. Used by the alert sink (the channel's history)
 * and the handoff sinks (an alert's thread with `conversations.replies`, a DM's history).
 */
import type { WebClient } from '@slack/web-api';

/** A conversation, and in it the thread of `threadTs` when given. */
export interface SlackTarget {
  channel: string;
  threadTs?: string;
}

type Page = {
  messages?: { ts?: string; metadata?: unknown }[];
  response_metadata?: { next_cursor?: string };
};

/**
 * The key → `ts` of posts of `eventType` among the conversation's `limit` newest messages (the
 * thread's first, for a thread); stops reading once `wanted` is found.
 */
export async function postedKeys(
  client: WebClient,
  target: SlackTarget,
  eventType: string,
  limit: number,
  wanted?: string,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let cursor: string | undefined;
  let seen = 0;
  while (seen < limit) {
    const args = {
      channel: target.channel,
      include_all_metadata: true,
      limit: Math.min(100, limit - seen),
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
      if (meta?.event_type === eventType && typeof key === 'string' && m.ts) found.set(key, m.ts);
    }
    if (wanted !== undefined && found.has(wanted)) break;
    seen += messages.length;
    cursor = page.response_metadata?.next_cursor || undefined;
    if (!cursor || messages.length === 0) break;
  }
  return found;
}
