/**
 * The fake Discord's REST API (`/api/v10/...`): the gateway URL, command registration,
 * interaction callbacks and webhooks (follow-ups, the original response), DM channels and
 * channel messages. It behaves like Discord where leadbot depends on it, with the limits and
 * errors of limits.ts: 50035 for a body over a documented limit, 50007 for closed DMs, 40060
 * for a second acknowledgement of one interaction, 10062 after the 3-second deadline, the first
 * follow-up of a deferred reply editing it, history newest first; and it echoes the bot's own
 * messages on the gateway, as Discord does.
 */
import { guildRoutes } from './guild.ts';
import type { Dispatch } from './interactions.ts';
import { checkMessageBody, checkModal, DISCORD_ERRORS, DISCORD_LIMITS } from './limits.ts';
import { EPHEMERAL, type FakeMessage, type FakeState, IDS, type Json } from './state.ts';
import { earlierByNonce, isThreadlessMessage, threadJson, threadRoutes } from './threads.ts';

export type RestAnswer = [number, unknown] | null;

function commands(state: FakeState, method: string, path: string, body: Json | null): RestAnswer {
  const m = path.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/);
  if (!m) return null;
  const scope = m[2] ?? 'global';
  if (method === 'GET') return [200, state.commands.get(scope) ?? []];
  if (method !== 'PUT') return null;
  const saved = (body as unknown as Json[]).map((c) => ({
    ...c,
    id: state.id(),
    application_id: m[1],
    version: state.id(),
  }));
  state.commands.set(scope, saved);
  return [200, saved];
}

/** `POST /interactions/:id/:token/callback`: the one acknowledgement an interaction gets. */
function callback(state: FakeState, path: string, body: Json | null): RestAnswer {
  const m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/);
  if (!m) return null;
  const it = state.interactions.get(m[2]!);
  if (!it || it.id !== m[1]) return [404, DISCORD_ERRORS.unknownInteraction];
  if (it.acked) return [400, DISCORD_ERRORS.alreadyAcked];
  // No initial response within 3 s: the token is invalidated (DISCORD_LIMITS.initialResponseMs).
  if (state.now() - it.createdAt > DISCORD_LIMITS.initialResponseMs)
    return [404, DISCORD_ERRORS.unknownInteraction];
  const data = (body?.data ?? {}) as Json;
  const invalid = body?.type === 9 ? checkModal(data) : checkMessageBody(data, ['data']);
  if (invalid) return [400, invalid];
  it.acked = true;
  if (body?.type === 4 || body?.type === 5) {
    const ephemeral = ((data.flags ?? 0) & EPHEMERAL) !== 0;
    it.original = state.createMessage(it.channelId, data, ephemeral ? it.userId : undefined).id;
    if (body.type === 5) it.loading = true;
  }
  // A deferred update (6) or an update (7): the original response is the clicked message.
  if ((body?.type === 6 || body?.type === 7) && it.messageId) it.original = it.messageId;
  if (body?.type === 7 && it.messageId) editMessage(state.messages.get(it.messageId)!, data);
  if (body?.type === 9) it.modal = data;
  return [204, undefined];
}

/** What an edit changes: the fields it carries (flags never change: ephemeral stays ephemeral). */
function editMessage(target: FakeMessage, body: Json): void {
  if (body.content !== undefined) target.content = body.content;
  if (body.components !== undefined) target.components = body.components;
  if (body.embeds !== undefined) target.embeds = body.embeds;
  if (body.__files?.length) target.attachments = body.__files;
}

/**
 * `/webhooks/:app/:token[/messages/@original]`: follow-ups and the original response, for 15
 * minutes after the interaction (DISCORD_LIMITS.tokenValidMs). The first follow-up after a
 * deferred reply (type 5) does not create a message: "When using this endpoint directly after
 * responding to an interaction with DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, this endpoint will
 * function as Edit Original Interaction Response … The ephemeral flag will be ignored, and the
 * value you provided in the initial defer response will be preserved"
 * (https://discord.com/developers/docs/interactions/receiving-and-responding#create-followup-message).
 */
function webhook(state: FakeState, method: string, path: string, body: Json | null): RestAnswer {
  const m = path.match(/^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/@original)?$/);
  if (!m) return null;
  const it = state.interactions.get(m[2]!);
  if (!it?.acked) return [404, DISCORD_ERRORS.unknownWebhook];
  if (state.now() - it.createdAt > DISCORD_LIMITS.tokenValidMs)
    return [401, { code: 50027, message: 'Invalid Webhook Token' }];
  if (method !== 'DELETE') {
    const invalid = checkMessageBody(body);
    if (invalid) return [400, invalid];
  }
  const original = it.original ? state.messages.get(it.original) : undefined;
  if (method === 'POST' && !path.endsWith('@original')) {
    if (it.loading && original) {
      it.loading = false;
      editMessage(original, body ?? {});
      return [200, state.messageJson(original)];
    }
    const ephemeral = ((body?.flags ?? 0) & EPHEMERAL) !== 0;
    return [
      200,
      state.messageJson(state.createMessage(it.channelId, body ?? {}, ephemeral ? it.userId : undefined)),
    ];
  }
  if (!original || original.deleted) return [404, DISCORD_ERRORS.unknownMessage];
  if (method === 'PATCH') {
    it.loading = false;
    editMessage(original, body ?? {});
    return [200, state.messageJson(original)];
  }
  if (method === 'DELETE') {
    it.loading = false;
    original.deleted = true;
    return [204, undefined];
  }
  return null;
}

function openDm(state: FakeState, body: Json | null): RestAnswer {
  // Create DM: recipient_id is required (https://discord.com/developers/docs/resources/user#create-dm).
  if (!/^\d{17,21}$/.test(String(body?.recipient_id ?? ''))) return [400, DISCORD_ERRORS.invalidRecipient];
  const user = state.users.get(String(body?.recipient_id));
  const recipient = user ? state.asUser(user) : { id: String(body?.recipient_id), username: 'someone' };
  return [
    200,
    {
      id: state.dmChannelOf(String(body?.recipient_id)),
      type: 1,
      last_message_id: null,
      flags: 0,
      recipients: [recipient],
    },
  ];
}

function channels(
  state: FakeState,
  dispatch: Dispatch,
  req: { method: string; path: string; body: Json | null; query: URLSearchParams },
): RestAnswer {
  const m = req.path.match(/^\/channels\/(\d+)(\/messages)?$/);
  if (!m) return null;
  const channelId = m[1]!;
  const dmUser = state.dmUserOf(channelId);
  if (req.method === 'GET' && !m[2]) {
    if (channelId === IDS.channel) {
      if (!state.guild.joined) return [403, DISCORD_ERRORS.missingAccess];
      const overwrites = state.guild.overwrites;
      return [
        200,
        { id: channelId, type: 0, guild_id: IDS.guild, name: 'general', permission_overwrites: overwrites },
      ];
    }
    if (state.threads.has(channelId)) return [200, threadJson(state, channelId)];
    if (!dmUser) return [404, DISCORD_ERRORS.unknownChannel];
    const user = state.users.get(dmUser) ?? { id: dmUser, username: 'x', global_name: null };
    return [200, { id: channelId, type: 1, recipients: [state.asUser(user)] }];
  }
  if (m[2] && isThreadlessMessage(state, channelId)) return [404, DISCORD_ERRORS.unknownChannel];
  if (req.method === 'GET' && m[2]) {
    // Channel history as Discord returns it: newest first, at most `limit` (1-100, default 50).
    const limit = Math.min(100, Math.max(1, Number(req.query.get('limit') ?? 50)));
    const list = [...state.messages.values()]
      .filter((x) => x.channel_id === channelId && !x.deleted && !x.visibleTo)
      .reverse()
      .slice(0, limit);
    return [200, list.map((x) => state.messageJson(x))];
  }
  if (req.method === 'POST' && m[2]) {
    if (dmUser && state.dmsClosed.has(dmUser)) return [403, DISCORD_ERRORS.cannotDm];
    if (!dmUser && state.channelsClosed.has(channelId)) return [403, DISCORD_ERRORS.missingAccess];
    const invalid = checkMessageBody(req.body);
    if (invalid) return [400, invalid];
    const earlier = earlierByNonce(state, channelId, req.body);
    if (earlier) return [200, { ...state.messageJson(earlier), nonce: earlier.nonce }];
    const created = state.createMessage(channelId, req.body ?? {});
    const json = {
      ...state.messageJson(created),
      ...(created.nonce !== undefined ? { nonce: created.nonce } : {}),
    };
    if (req.body?.message_reference)
      Object.assign(json, { type: 19, message_reference: req.body.message_reference });
    // Discord echoes the bot's own messages on the gateway; the adapter must ignore them.
    const where = dmUser
      ? { channel_type: 1 }
      : { guild_id: IDS.guild, ...(state.threads.has(channelId) ? { channel_type: 11 } : {}) };
    dispatch('MESSAGE_CREATE', { ...json, ...where });
    return [200, json];
  }
  return null;
}

/** Answers one REST request; null when the fake has no such route (404). */
export function routeRest(
  state: FakeState,
  dispatch: Dispatch,
  port: number,
  req: { method: string; path: string; body: Json | null; query: URLSearchParams; auth?: string },
): RestAnswer {
  const { method, path, body } = req;
  // Interaction callbacks and webhooks use the interaction token; everything else the bot token.
  const tokenRoute = /^\/(interactions|webhooks)\//.test(path);
  if (!tokenRoute && state.botToken !== undefined && req.auth !== `Bot ${state.botToken}`)
    return [401, DISCORD_ERRORS.unauthorized];
  if (method === 'GET' && path === '/gateway/bot') {
    const limit = { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 };
    return [200, { url: `ws://127.0.0.1:${port}`, shards: 1, session_start_limit: limit }];
  }
  if (method === 'POST' && path === '/users/@me/channels') return openDm(state, body);
  return (
    guildRoutes(state.guild, method, path) ??
    commands(state, method, path, body) ??
    (method === 'POST' ? callback(state, path, body) : null) ??
    webhook(state, method, path, body) ??
    threadRoutes(state, dispatch, req) ??
    channels(state, dispatch, req)
  );
}

/**
 * A multipart body as discord.js sends files: `payload_json` plus `files[n]` parts. The JSON
 * comes back with the files (as text) under `__files`.
 */
export async function parseMultipart(raw: Buffer, contentType: string): Promise<Json> {
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  const body = JSON.parse(String(form.get('payload_json') ?? '{}')) as Json;
  const files: { filename: string; contentType: string; text: string }[] = [];
  for (const [name, value] of form.entries()) {
    if (name.startsWith('files[') && typeof value !== 'string')
      files.push({ filename: value.name, contentType: value.type, text: await value.text() });
  }
  body.__files = files;
  return body;
}
