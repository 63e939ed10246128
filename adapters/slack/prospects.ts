/**
 * Bolt listeners for prospects: DMs, mentions, question buttons, the "continue privately"
 * button and `/leadbot start|restart|stop`. Each one maps the payload with inbound.ts, hands it
 * to the core, and posts the answer rendered by outbound.ts. Outside the bot's own DM nothing
 * personal is posted in public: the "continue privately" offer goes ephemerally to the person
 * (chat.postEphemeral after a mention; the response URL after a slash command, which also works
 * in channels the bot is not in and in DMs between people).
 */
import type { App, BlockAction, ButtonAction, Middleware, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { InboundEvent } from '../../src/core/events.ts';
import type { InboundHandler, Logger } from '../../src/core/ports/index.ts';
import {
  actionEventId,
  clickedMessage,
  fromBlockAction,
  fromEventEnvelope,
  fromSlashCommand,
} from './inbound.ts';
import { LEADBOT_COMMAND, toManagerInput } from './manager-input.ts';
import { ACTION, labelsFor, renderAnswered } from './outbound.ts';
import { checkedRespond, type Respond } from './respond.ts';

/** How an answer reaches the person when it must not be a public post. */
export interface ReplyVia {
  /** The person who acted: an offer to continue privately is shown to them only. */
  user?: string;
  /** A slash command's response URL: everything goes through it, ephemerally. */
  respond?: Respond;
}

export interface ProspectWiring {
  app: App;
  /** The core's handler, set by `adapter.start`. */
  handler: () => InboundHandler | null;
  /** Posts the core's answer to a channel (escaped, Block Kit). */
  reply: (
    channel: string,
    isDirect: boolean,
    out: Awaited<ReturnType<InboundHandler>>,
    via?: ReplyVia,
  ) => Promise<void>;
  botUserId?: string;
  logger: Logger;
}

/** Lets through `/leadbot` with a prospect's word (start, restart, stop, or none); managers.ts takes the rest. */
const prospectCommand: Middleware<SlackCommandMiddlewareArgs> = async ({ command, next }) => {
  if (!toManagerInput(command.text)) await next();
};

/** Registers every prospect-facing listener on `w.app`. */
export function registerSlackProspects(w: ProspectWiring): void {
  const { app, logger } = w;

  async function handle(event: InboundEvent | null, replyChannel?: string, via?: ReplyVia): Promise<void> {
    const handler = w.handler();
    if (!event || !handler) return;
    // A failure of the core (the database away) propagates: the inbox keeps the event and
    // retries it. Its effects are committed once; a failed reply is not retried with it.
    const out = await handler(event);
    try {
      await w.reply(replyChannel ?? event.channelId, event.isDirect, out, via);
    } catch (err) {
      logger.error(
        { eventId: event.eventId, kind: event.kind, error: err instanceof Error ? err.message : String(err) },
        'slack reply failed',
      );
    }
  }

  const botId = (context: { botUserId?: string }) => context.botUserId ?? w.botUserId;

  app.event('message', async ({ body, context }) => {
    await handle(fromEventEnvelope(body, botId(context)));
  });
  app.event('app_mention', async ({ body, context }) => {
    const event = fromEventEnvelope(body, botId(context));
    await handle(event, undefined, event ? { user: event.userId } : undefined);
  });

  // Checkbox toggles of a multiple-choice question: the answer comes with "Done".
  app.action(ACTION.multi, async ({ ack }) => {
    await ack();
  });

  app.action(
    new RegExp(`^(${ACTION.choicePrefix}\\d+|${ACTION.select}|${ACTION.multiDone})$`),
    async ({ ack, body, client }) => {
      await ack();
      const event = fromBlockAction(body);
      if (!event) return;
      const message = clickedMessage(body);
      if (message && message.blocks.length > 0) {
        // Show the answer in place of the buttons, so the question cannot be answered twice.
        try {
          await client.chat.update({
            channel: event.channelId,
            ts: message.ts,
            text: message.text,
            blocks: renderAnswered(message.blocks, labelsFor(message.blocks, event.values)),
          });
        } catch (err) {
          logger.warn(
            { error: err instanceof Error ? err.message : String(err) },
            'could not update the question',
          );
        }
      }
      await handle(event);
    },
  );

  // "Continue in a private message": open a DM and start the flow there.
  app.action<BlockAction<ButtonAction>>(ACTION.openDm, async ({ ack, body, client }) => {
    await ack();
    const user = body.user.id;
    const actionTs = body.actions[0]?.action_ts;
    if (!user || !actionTs) return;
    let dm: string | undefined;
    try {
      dm = (await client.conversations.open({ users: user })).channel?.id;
    } catch (err) {
      logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'conversations.open failed');
    }
    if (!dm) return;
    await handle({
      kind: 'command',
      name: 'start',
      args: [],
      platform: 'slack',
      workspaceId: body.team?.id ?? body.user.team_id ?? '',
      channelId: dm,
      userId: user,
      ...(body.user.username ? { username: body.user.username } : {}),
      isDirect: true,
      eventId: actionEventId(body, actionTs),
      raw: body,
    });
  });

  app.command(LEADBOT_COMMAND, prospectCommand, async ({ ack, body, client, respond }) => {
    await ack();
    const event = fromSlashCommand(body);
    if (!event) return;
    // A DM is the bot's own only if it is the one conversations.open gives for this person;
    // otherwise (a DM between people, a channel) the bot cannot post there: the person gets the
    // private offer through the command's response URL.
    let ownDm = false;
    if (event.isDirect) {
      try {
        ownDm = (await client.conversations.open({ users: event.userId })).channel?.id === event.channelId;
      } catch (err) {
        logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'conversations.open failed');
      }
    }
    if (ownDm) await handle(event);
    else
      await handle({ ...event, isDirect: false }, undefined, {
        user: event.userId,
        respond: checkedRespond(respond),
      });
  });
}
