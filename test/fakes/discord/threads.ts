/**
 * The fake Discord's threads, nonces and reactions, as Discord documents them:
 * - Start Thread from Message (`POST /channels/:channel/messages/:message/threads`,
 *   https://discord.com/developers/docs/resources/channel#start-thread-from-message): the
 *   thread's id is the message's id, so a message has at most one thread (160004 on a second
 *   start); the name is 1-100 characters; THREAD_CREATE is dispatched. Posting to a message's id
 *   before its thread exists is 10003 Unknown Channel.
 * - `nonce` + `enforce_nonce` on Create Message
 *   (https://discord.com/developers/docs/resources/message#create-message): the same author's
 *   message with the same nonce within the window is returned instead of a new one (no
 *   MESSAGE_CREATE either). History never carries the nonce.
 * - Create Reaction (`PUT /channels/:channel/messages/:message/reactions/:emoji/@me`,
 *   https://discord.com/developers/docs/resources/message#create-reaction): 204, 10008 for an
 *   unknown message.
 */
import type { Dispatch } from './interactions.ts';
import { checkThreadBody, DISCORD_ERRORS, DISCORD_LIMITS } from './limits.ts';
import { BOT_USER, type FakeMessage, type FakeState, IDS, type Json } from './state.ts';

export type RestAnswer = [number, unknown] | null;

/** The channel JSON of a public thread (type 11) of the fake server. */
export function threadJson(state: FakeState, id: string): Json {
  const t = state.threads.get(id)!;
  return {
    id: t.id,
    type: 11,
    guild_id: IDS.guild,
    parent_id: t.parentId,
    name: t.name,
    owner_id: BOT_USER.id,
    flags: 0,
    message_count: 0,
    member_count: 1,
    rate_limit_per_user: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: 1440,
      archive_timestamp: new Date(state.now()).toISOString(),
      locked: false,
    },
    total_message_sent: 0,
  };
}

/** Starts a thread on `messageId` of `channelId` (by the bot, or a person in the client). */
export function startThread(
  state: FakeState,
  dispatch: Dispatch,
  channelId: string,
  messageId: string,
  body: Json | null,
): [number, unknown] {
  const starter = state.messages.get(messageId);
  if (!starter || starter.deleted || starter.channel_id !== channelId)
    return [404, DISCORD_ERRORS.unknownMessage];
  if (state.threads.has(messageId)) return [400, DISCORD_ERRORS.threadExists];
  const invalid = checkThreadBody(body);
  if (invalid) return [400, invalid];
  state.threads.set(messageId, { id: messageId, parentId: channelId, name: String(body!.name).trim() });
  const json = threadJson(state, messageId);
  // discord.js caches the thread from this dispatch; messages in it then resolve their channel.
  dispatch('THREAD_CREATE', { ...json, newly_created: true });
  return [201, json];
}

/** The earlier message of the same author with the same enforced nonce, within Discord's window. */
export function earlierByNonce(state: FakeState, channelId: string, body: Json | null): FakeMessage | null {
  if (!body?.enforce_nonce || body.nonce === undefined) return null;
  for (const m of state.messages.values()) {
    if (
      m.channel_id === channelId &&
      m.author.id === BOT_USER.id &&
      m.nonce === body.nonce &&
      state.now() - (m.createdAt ?? 0) <= DISCORD_LIMITS.nonceWindowMs
    )
      return m;
  }
  return null;
}

/**
 * True when `channelId` is the id of a message of the server channel without a thread: Discord
 * knows no such channel (10003).
 */
export function isThreadlessMessage(state: FakeState, channelId: string): boolean {
  return state.messages.has(channelId) && !state.threads.has(channelId);
}

/** The routes above that are not a plain channel's messages; null when `path` is none of them. */
export function threadRoutes(
  state: FakeState,
  dispatch: Dispatch,
  req: { method: string; path: string; body: Json | null },
): RestAnswer {
  const start = req.path.match(/^\/channels\/(\d+)\/messages\/(\d+)\/threads$/);
  if (start && req.method === 'POST') return startThread(state, dispatch, start[1]!, start[2]!, req.body);
  const react = req.path.match(/^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)\/@me$/);
  if (react && req.method === 'PUT') {
    const m = state.messages.get(react[2]!);
    if (!m || m.deleted || m.channel_id !== react[1]) return [404, DISCORD_ERRORS.unknownMessage];
    // A custom emoji is `name:id`; a Unicode one is the character itself.
    const emoji = react[3]!;
    if (!/^\p{Extended_Pictographic}|^\w+:\d+$/u.test(emoji)) return [400, DISCORD_ERRORS.unknownEmoji];
    m.reactions = [...(m.reactions ?? []), emoji];
    return [204, undefined];
  }
  return null;
}
