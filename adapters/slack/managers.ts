/**
 * Manager commands on Slack: `/leadbot <sub>` from community managers (listed user ids, or a
 * user group), as a bolt `app.command` listener behind a listener middleware that lets only
 * manager subcommands through (prospects.ts takes `start`, `restart`, `stop`). The reply goes
 * out the way `replyToManager` says — split within Slack's section limit — as ephemeral
 * messages unless the manager asked for `public`; exports are uploaded to the manager's DM or
 * the channel.
 */
import type { App, Middleware, SlackCommandMiddlewareArgs } from '@slack/bolt';
import {
  COMMAND_FAILED_TEXT,
  type ManagerReply,
  replyToManager,
} from '../../src/core/commands/reply-to-manager.ts';
import type { CommandContext, ManagerPermissions } from '../../src/core/commands/types.ts';
import type { CommunityServices } from '../../src/core/community-services.ts';
import type { Logger } from '../../src/core/ports/index.ts';
import { spoolFile } from '../shared/spool-file.ts';
import { uploadFile } from './file-upload.ts';
import { LEADBOT_COMMAND, toManagerInput } from './manager-input.ts';
import { escapedSection, renderConsentPrompt, SLACK_REPLY_LIMITS } from './outbound.ts';

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

/** The identity key of a member of the workspace `team`. */
export const slackMemberKey = (team: string) => (userId: string) => ({
  platform: 'slack' as const,
  workspaceId: team,
  userId,
});

/** Lets through `/leadbot` with a manager subcommand; prospects.ts takes the rest. */
const managerCommand: Middleware<SlackCommandMiddlewareArgs> = async ({ command, next }) => {
  if (toManagerInput(command.text)) await next();
};

export interface SlackManagerWiring {
  app: App;
  services: CommunityServices;
  logger: Logger;
}

/** Registers the manager side of `/leadbot` on `w.app`. */
export function registerSlackManagers(w: SlackManagerWiring): void {
  const { app, services } = w;
  const client = app.client;
  const log = w.logger.child({ component: 'slack-managers' });

  async function deliver(reply: ManagerReply, ctx: CommandContext): Promise<void> {
    for (const text of reply.texts) {
      const message = { channel: ctx.channelId, text, blocks: [escapedSection(text)] };
      if (reply.private) await client.chat.postEphemeral({ ...message, user: ctx.userId });
      else await client.chat.postMessage(message);
    }
    if (reply.prompt) {
      const { userId, text, invitedBy } = reply.prompt;
      await client.chat.postMessage({
        channel: ctx.channelId,
        ...renderConsentPrompt(userId, text, invitedBy),
      });
    }
    if (reply.file) {
      const channel = reply.private
        ? (await client.conversations.open({ users: ctx.userId })).channel?.id
        : ctx.channelId;
      if (!channel) return;
      const file = await spoolFile(reply.file);
      try {
        await uploadFile(client, channel, file);
      } finally {
        await file.dispose();
      }
    }
  }

  app.command(LEADBOT_COMMAND, managerCommand, async ({ ack, command }) => {
    await ack();
    const input = toManagerInput(command.text);
    if (!input) return;
    const ctx: CommandContext = {
      platform: 'slack',
      workspaceId: command.team_id,
      channelId: command.channel_id,
      userId: command.user_id,
      isDirect: command.channel_name === 'directmessage' || command.channel_id.startsWith('D'),
      memberKey: slackMemberKey(command.team_id),
    };
    try {
      await deliver(replyToManager(await services.managerCommands.run(input, ctx), SLACK_REPLY_LIMITS), ctx);
    } catch (err) {
      log.error({ sub: input.sub, error: errText(err) }, 'manager command failed');
      await client.chat
        .postEphemeral({ channel: ctx.channelId, user: ctx.userId, text: COMMAND_FAILED_TEXT })
        .catch(() => undefined);
    }
  });
}
