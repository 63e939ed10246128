/**
 * Manager commands and outreach on Slack: `/leadbot <sub>` for managers (private replies as
 * ephemeral messages, exports uploaded to the manager's DM or the channel), consent prompts
 * with Accept / No thanks buttons, and intent offers in public channels. The DM is opened
 * only when the invited member clicks Accept themselves.
 */
import type { App } from '@slack/bolt';
import { collect } from '../../src/core/commands/export-csv.ts';
import type { ManagerKit } from '../../src/core/commands/kit.ts';
import type { CommandContext, CommandReply, ManagerPermissions } from '../../src/core/commands/types.ts';
import { CONSENT_TEXT, considerOffer } from '../../src/core/outreach/offer.ts';
import type { InboundHandler, Logger } from '../../src/core/ports/index.ts';
import { escapeMrkdwn, plainText } from './escape.ts';
import { toManagerInput } from './manager-input.ts';
import { renderMessages, type SlackBlock } from './outbound.ts';

export const CONSENT_ACTION = { accept: 'lb_consent_accept', decline: 'lb_consent_decline' } as const;

// biome-ignore lint/suspicious/noExplicitAny: raw Slack bodies, read defensively.
type Body = any;

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Managers: listed user ids, or members of a user group (looked up, cached one minute). */
export function slackPermissions(
  app: App,
  managers: string[],
  group: string | undefined,
  log: Logger,
): ManagerPermissions {
  let cache: { at: number; users: Set<string> } | null = null;
  return {
    async isManager(ctx) {
      if (managers.includes(ctx.userId)) return true;
      if (!group) return false;
      if (!cache || Date.now() - cache.at > 60_000) {
        try {
          const res = await app.client.usergroups.users.list({ usergroup: group });
          cache = { at: Date.now(), users: new Set(res.users ?? []) };
        } catch (err) {
          log.warn({ error: errText(err) }, 'usergroups.users.list failed; treating as not a manager');
          return false;
        }
      }
      return cache.users.has(ctx.userId);
    },
  };
}

/**
 * A consent button's value: the invited member, then — for a manager's `qualify` — the inviting
 * manager after a `|`, so the click itself says whom to credit (Slack ids never hold a `|`).
 */
export function consentValue(userId: string, invitedBy?: string): string {
  return invitedBy ? `${userId}|${invitedBy}` : userId;
}

/** Reads {@link consentValue} back; null for an empty or foreign value. */
export function parseConsentValue(value: unknown): { userId: string; invitedBy?: string } | null {
  if (typeof value !== 'string' || value === '') return null;
  const bar = value.indexOf('|');
  if (bar < 0) return { userId: value };
  const userId = value.slice(0, bar);
  const invitedBy = value.slice(bar + 1);
  return userId ? { userId, ...(invitedBy ? { invitedBy } : {}) } : null;
}

/** The prompt posted in public: a deliberate mention of the invited member, escaped text, two buttons. */
export function consentBlocks(userId: string, text: string, invitedBy?: string): SlackBlock[] {
  const value = consentValue(userId, invitedBy);
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `<@${userId}> ${escapeMrkdwn(text)}` } },
    {
      type: 'actions',
      block_id: 'lb_consent',
      elements: [
        {
          type: 'button',
          action_id: CONSENT_ACTION.accept,
          text: plainText('Yes, message me'),
          style: 'primary',
          value,
        },
        { type: 'button', action_id: CONSENT_ACTION.decline, text: plainText('No thanks'), value },
      ],
    },
  ];
}

export interface SlackManagerWiring {
  app: App;
  kit: ManagerKit;
  handler: () => InboundHandler | null;
  botUserId?: string;
  logger: Logger;
}

export function registerSlackManager(w: SlackManagerWiring): void {
  const { app, kit } = w;
  const log = w.logger.child({ component: 'slack-managers' });
  const memberKey = (team: string) => (userId: string) => ({
    platform: 'slack' as const,
    workspaceId: team,
    userId,
  });

  async function deliver(reply: CommandReply, ctx: CommandContext): Promise<void> {
    const client = app.client;
    const blocks = [
      { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(reply.text).slice(0, 3000) } },
    ];
    if (reply.private) {
      await client.chat.postEphemeral({
        channel: ctx.channelId,
        user: ctx.userId,
        text: escapeMrkdwn(reply.text),
        blocks,
      });
    } else {
      await client.chat.postMessage({ channel: ctx.channelId, text: escapeMrkdwn(reply.text), blocks });
    }
    if (reply.prompt) {
      const text = escapeMrkdwn(reply.prompt.text);
      await client.chat.postMessage({
        channel: ctx.channelId,
        text,
        blocks: consentBlocks(reply.prompt.userId, reply.prompt.text, reply.prompt.invitedBy),
      });
    }
    if (reply.file) {
      const channel = reply.private
        ? (await client.conversations.open({ users: ctx.userId })).channel?.id
        : ctx.channelId;
      if (!channel) return;
      await client.files.uploadV2({
        channel_id: channel,
        filename: reply.file.filename,
        title: reply.file.filename,
        file: await collect(reply.file.chunks()),
      });
    }
  }

  // Global middleware: manager subcommands never reach the prospect's slash command listener.
  app.use(async (args) => {
    const body = args.body as Body;
    const input = body?.command && typeof body.text === 'string' ? toManagerInput(body.text) : null;
    if (!input) {
      await args.next();
      return;
    }
    await (args as unknown as { ack: () => Promise<void> }).ack();
    const ctx: CommandContext = {
      platform: 'slack',
      workspaceId: String(body.team_id ?? ''),
      channelId: String(body.channel_id ?? ''),
      userId: String(body.user_id ?? ''),
      isDirect: body.channel_name === 'directmessage' || String(body.channel_id ?? '').startsWith('D'),
      memberKey: memberKey(String(body.team_id ?? '')),
    };
    try {
      await deliver(await kit.layer.run(input, ctx), ctx);
    } catch (err) {
      log.error({ sub: input.sub, error: errText(err) }, 'manager command failed');
      await app.client.chat
        .postEphemeral({
          channel: ctx.channelId,
          user: ctx.userId,
          text: 'Sorry, that failed; the error was logged.',
        })
        .catch(() => undefined);
    }
  });

  async function updatePrompt(body: Body, text: string): Promise<void> {
    const channel = body.channel?.id ?? body.container?.channel_id;
    const ts = body.message?.ts;
    if (!channel || !ts) return;
    const kept = (body.message.blocks ?? []).filter((b: SlackBlock) => b.type !== 'actions');
    kept.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(text) }] });
    await app.client.chat
      .update({ channel, ts, text: body.message.text ?? '', blocks: kept })
      .catch((err) => {
        log.warn({ error: errText(err) }, 'could not update the consent prompt');
      });
  }

  async function notYours(body: Body): Promise<void> {
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (channel)
      await app.client.chat.postEphemeral({ channel, user: body.user.id, text: CONSENT_TEXT.notYours });
  }

  app.action(CONSENT_ACTION.accept, async ({ ack, body }) => {
    await ack();
    const b = body as Body;
    const user: string = b.user?.id;
    const team: string = b.team?.id ?? b.user?.team_id ?? '';
    const clicked = parseConsentValue(b.actions?.[0]?.value);
    if (!user || clicked?.userId !== user) return notYours(b);
    const handler = w.handler();
    if (!handler) return;
    const key = memberKey(team)(user);
    try {
      const dm = (await app.client.conversations.open({ users: user })).channel?.id;
      if (!dm) return;
      await kit.gate.optIn(key);
      const out = await handler({
        kind: 'command',
        name: 'start',
        args: [],
        platform: 'slack',
        workspaceId: team,
        channelId: dm,
        userId: user,
        username: b.user?.username,
        isDirect: true,
        // No user id in the event id: processed event ids outlive a forget.
        eventId: `consent:${b.trigger_id ?? b.actions[0].action_ts}`,
      });
      await kit.gate.consent(key, clicked.invitedBy);
      for (const p of renderMessages(out, true)) await app.client.chat.postMessage({ channel: dm, ...p });
      await updatePrompt(b, CONSENT_TEXT.accepted);
    } catch (err) {
      log.error({ error: errText(err) }, 'consent accept failed');
    }
  });

  app.action(CONSENT_ACTION.decline, async ({ ack, body }) => {
    await ack();
    const b = body as Body;
    if (parseConsentValue(b.actions?.[0]?.value)?.userId !== b.user?.id) return notYours(b);
    await updatePrompt(b, CONSENT_TEXT.declined);
  });

  // Intent signals: public channel messages (never DMs, bots, edits or the bot itself).
  app.event('message', async ({ body }) => {
    const b = body as Body;
    const e = b.event;
    if (!e || e.subtype !== undefined || e.bot_id || !e.user || e.user === w.botUserId) return;
    if (e.channel_type !== 'channel' && e.channel_type !== 'group') return;
    const team = b.team_id ?? e.team ?? '';
    try {
      const offer = await considerOffer(kit.gate, memberKey(team)(e.user), e.channel, String(e.text ?? ''));
      if (!offer) return;
      await app.client.chat.postMessage({
        channel: e.channel,
        thread_ts: e.ts,
        text: escapeMrkdwn(offer.text),
        blocks: consentBlocks(e.user, offer.text),
      });
      await kit.gate.record(offer.person, 'offer', 'slack', e.channel);
    } catch (err) {
      log.warn({ error: errText(err) }, 'intent offer failed');
    }
  });
}
