/**
 * Threads in the fake Slack: a reply is a message with `thread_ts` naming its parent; it shows
 * in `conversations.replies` of that parent and not in `conversations.history`, as Slack
 * documents ("conversations.history … returns only parent messages"; conversations.replies
 * "returns an entire thread (a message plus all the messages in reply to it)",
 * https://docs.slack.dev/reference/methods/conversations.replies).
 */

// biome-ignore lint/suspicious/noExplicitAny: Web API JSON as the client sent it.
type Json = any;

interface Threaded {
  ts: string;
  thread_ts?: string;
  metadata?: Json;
}

/**
 * chat.postMessage with `thread_ts`: it must be the `ts` of a parent message of the channel —
 * a reply's own ts, or a ts that names no message, is refused with `invalid_thread_ts`
 * ("Value passed for thread_ts was invalid", https://docs.slack.dev/reference/methods/chat.postMessage#errors).
 */
export function threadRefusal(history: Threaded[], threadTs: unknown): Json | null {
  if (threadTs === undefined || threadTs === '') return null;
  const parent = history.find((m) => m.ts === threadTs);
  if (!parent || (parent.thread_ts !== undefined && parent.thread_ts !== parent.ts))
    return { ok: false, error: 'invalid_thread_ts' };
  return null;
}

/** Whether `m` is a reply inside a thread (not shown by conversations.history). */
export const isReply = (m: Threaded) => m.thread_ts !== undefined && m.thread_ts !== m.ts;

/**
 * conversations.replies: `ts` must be an existing message (`thread_not_found` otherwise); the
 * parent then its replies, oldest first, `limit` per page (default 1000) with a cursor; metadata
 * only with `include_all_metadata`.
 */
export function repliesPage(history: Threaded[], a: Record<string, Json>): Json {
  const parent = history.find((m) => m.ts === a.ts);
  if (!parent || isReply(parent)) return { ok: false, error: 'thread_not_found' };
  const thread = [parent, ...history.filter((m) => m.thread_ts === parent.ts && m !== parent)];
  const start = a.cursor ? Number(a.cursor) : 0;
  const limit = Number(a.limit ?? 1000);
  const withMeta = a.include_all_metadata === 'true' || a.include_all_metadata === true;
  const page = thread.slice(start, start + limit).map((m) => {
    const { metadata, ...rest } = m;
    return { type: 'message', ...rest, ...(withMeta && metadata ? { metadata } : {}) };
  });
  const more = start + limit < thread.length;
  return {
    ok: true,
    messages: page,
    has_more: more,
    response_metadata: { next_cursor: more ? String(start + limit) : '' },
  };
}
