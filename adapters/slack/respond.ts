/**
 * Replies through a slash command's or a click's `response_url` (bolt's `respond`). Unlike
 * `chat.postMessage`, a response URL works where the bot is not a member — a channel it was
 * never invited to, a DM between two people — and its ephemeral replies need no channel
 * membership either. Slack allows five uses within 30 minutes
 * (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses), so a long
 * reply is packed into few messages instead of one message per piece.
 */
import type { RespondArguments, RespondFn } from '@slack/bolt';
import { escapedSection } from './outbound.ts';

/** Uses of one response URL Slack allows. */
export const RESPONSE_URL_USES = 5;
/** Blocks of one message (https://docs.slack.dev/reference/block-kit/blocks). */
const MESSAGE_BLOCKS = 50;

/** Sends one response; throws when Slack refuses it (expired or spent URL, invalid blocks). */
export type Respond = (message: RespondArguments) => Promise<void>;

/**
 * Wraps bolt's `respond`: bolt throws on an HTTP error (an expired URL) but a refused payload
 * comes back as HTTP 200 with `{ ok: false, error }`, which it would let pass silently.
 */
export function checkedRespond(respond: RespondFn): Respond {
  return async (message) => {
    const res = (await respond(message)) as unknown as { text?: () => Promise<string> } | undefined;
    const body = res?.text ? await res.text().catch(() => '') : '';
    if (!body.startsWith('{')) return;
    const parsed = JSON.parse(body) as { ok?: boolean; error?: string };
    if (parsed.ok === false)
      throw new Error(`response_url refused the reply: ${parsed.error ?? 'unknown error'}`);
  };
}

/**
 * Already escaped pieces (each within a section's limit) as at most `messages` messages of
 * sections, so a reply of any length spends few of the URL's five uses.
 */
export function packSections(
  pieces: string[],
  responseType: 'ephemeral' | 'in_channel',
  messages = 3,
): RespondArguments[] {
  if (pieces.length === 0) return [];
  const per = Math.min(MESSAGE_BLOCKS, Math.ceil(pieces.length / messages));
  const out: RespondArguments[] = [];
  for (let i = 0; i < pieces.length; i += per) {
    const group = pieces.slice(i, i + per);
    out.push({ response_type: responseType, text: group[0] ?? '', blocks: group.map(escapedSection) });
  }
  return out;
}
