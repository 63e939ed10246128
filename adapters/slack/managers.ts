/**
 * Manager commands on Slack: `/leadbot <sub>` from community managers (listed user ids, or a
 * user group), as a bolt `app.command` listener behind a listener middleware that lets only
 * manager subcommands through (prospects.ts takes `start`, `restart`, `stop`). The reply goes
 * out the way `replyToManager` says — split within Slack's section limit — through the
 * command's response URL (`respond`): ephemeral unless the manager asked for `public`, and in
 * either case also in channels the bot is not in and in DMs between people, where
 * `chat.postMessage` answers `not_in_channel` / `channel_not_found`. Exports are uploaded to the
 * manager's DM, or to the channel when public and the bot is in it.
 */
import type { App, Middleware, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { collect } from '../../src/core/commands/export-csv.ts';
import {
  COMMAND_FAILED_TEXT,
  type ManagerReply,
  replyToManager,
} from '../../src/core/commands/reply-to-manager.ts';
import type { CommandContext, ManagerPermissions } from '../../src/core/commands/types.ts';
import type { CommunityServices } from '../../src/core/community-services.ts';
import type { Logger } from '../../src/core/ports/index.ts';
import { LEADBOT_COMMAND, toManagerInput } from './manager-input.ts';
import { renderConsentPrompt, SLACK_REPLY_LIMITS } from './outbound.ts';
import { checkedRespond, packSections, type Respond } from './respond.ts';

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Told when a public export cannot be posted where the command was typed. */
export const EXPORT_TO_DM_TEXT =
  'I am not in this conversation, so the export went to our private chat. Invite me to share it here.';

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

  async function deliver(reply: ManagerReply, ctx: CommandContext, respond: Respond): Promise<void> {
    for (const message of packSections(reply.texts, reply.private ? 'ephemeral' : 'in_channel'))
      await respond(message);
    if (reply.prompt) {
      const { userId, text, invitedBy } = reply.prompt;
      await respond({ response_type: 'in_channel', ...renderConsentPrompt(userId, text, invitedBy) });
    }
    if (reply.file) {
      const file = reply.file;
      const upload = async (channel: string) =>
        client.files.uploadV2({
          channel_id: channel,
          filename: file.filename,
          title: file.filename,
          file: await collect(file.chunks()),
        });
      const dm = async () => (await client.conversations.open({ users: ctx.userId })).channel?.id;
      if (!reply.private) {
        try {
          await upload(ctx.channelId);
          return;
        } catch (err) {
          // Not a member of the channel (or a DM between people): the file goes to the manager instead.
          log.info({ error: errText(err) }, 'public export not possible here; sending it by DM');
          await respond({ response_type: 'ephemeral', text: EXPORT_TO_DM_TEXT });
        }
      }
      const channel = await dm();
      if (channel) await upload(channel);
    }
  }

  app.command(LEADBOT_COMMAND, managerCommand, async ({ ack, command, respond: boltRespond }) => {
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
    const respond = checkedRespond(boltRespond);
    try {
      await deliver(
        replyToManager(await services.managerCommands.run(input, ctx), SLACK_REPLY_LIMITS),
        ctx,
        respond,
      );
    } catch (err) {
      log.error({ sub: input.sub, error: errText(err) }, 'manager command failed');
      await respond({ response_type: 'ephemeral', text: COMMAND_FAILED_TEXT }).catch(() => undefined);
    }
  });
}
