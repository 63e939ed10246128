/**
 * Invitations and intent offers on Slack, as bolt listeners: Accept / No thanks under a consent
 * prompt (only the member it names may answer; the DM opens only when they accept themselves),
 * and public channel messages read for intent signals, answered in the thread with an offer.
 * The rules are the core's use cases (src/core/outreach/accept-invitation.ts,
 * offer-on-intent.ts); this file reads the payloads and posts what they decide.
 */
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { CommunityServices } from '../../src/core/community-services.ts';
import { acceptInvitation, CONSENT_TEXT, isInvitee } from '../../src/core/outreach/accept-invitation.ts';
import { offerOnIntent } from '../../src/core/outreach/offer-on-intent.ts';
import type { InboundHandler, Logger } from '../../src/core/ports/index.ts';
import { escapeMrkdwn } from './escape.ts';
import { clickedMessage, parseConsentValue } from './inbound.ts';
import { slackMemberKey } from './managers.ts';
import { CONSENT_ACTION, renderConsentPrompt, renderMessages, withoutButtons } from './outbound.ts';
import { checkedRespond } from './respond.ts';

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export interface SlackOutreachWiring {
  app: App;
  services: CommunityServices;
  /** The core's handler, set by `adapter.start`. */
  handler: () => InboundHandler | null;
  botUserId?: string;
  /** `SLACK_SALES_CHANNEL`: what reps write there is for the team and the lead, never an intent signal. */
  salesChannel?: string;
  logger: Logger;
}

/** Registers the consent buttons and intent offers on `w.app`. */
export function registerSlackOutreach(w: SlackOutreachWiring): void {
  const { app, services } = w;
  const client = app.client;
  const log = w.logger.child({ component: 'slack-outreach' });

  /**
   * The prompt with its buttons replaced by what happened, so it cannot be answered twice.
   * Through the click's response URL: a prompt posted by a slash command may sit in a channel
   * the bot is not in, where chat.update answers not_in_channel.
   */
  async function settlePrompt(body: BlockAction, respond: RespondFn, text: string): Promise<void> {
    const prompt = clickedMessage(body);
    if (!prompt) return;
    await checkedRespond(respond)({
      replace_original: true,
      text: prompt.text,
      blocks: withoutButtons(prompt.blocks, escapeMrkdwn(text)),
    }).catch((err) => log.warn({ error: errText(err) }, 'could not update the consent prompt'));
  }

  async function notYours(respond: RespondFn): Promise<void> {
    await checkedRespond(respond)({ response_type: 'ephemeral', text: CONSENT_TEXT.notYours }).catch((err) =>
      log.warn({ error: errText(err) }, 'could not tell a member the invitation is not theirs'),
    );
  }

  app.action<BlockAction<ButtonAction>>(CONSENT_ACTION.accept, async ({ ack, body, respond }) => {
    await ack();
    const user = body.user.id;
    const team = body.team?.id ?? body.user.team_id ?? '';
    const prompt = parseConsentValue(body.actions[0]?.value);
    // Checked before the DM opens: nobody else's click may open one.
    if (!prompt || !isInvitee(prompt.userId, user)) return notYours(respond);
    const handle = w.handler();
    if (!handle) return;
    try {
      const dm = (await client.conversations.open({ users: user })).channel?.id;
      if (!dm) return;
      const result = await acceptInvitation(
        { ...services, handle },
        {
          member: slackMemberKey(team)(user),
          invitee: prompt.userId,
          ...(prompt.invitedBy ? { invitedBy: prompt.invitedBy } : {}),
          start: {
            kind: 'command',
            name: 'start',
            args: [],
            platform: 'slack',
            workspaceId: team,
            channelId: dm,
            userId: user,
            ...(body.user.username ? { username: body.user.username } : {}),
            isDirect: true,
            // No user id in the event id: processed event ids outlive a forget.
            eventId: `consent:${body.trigger_id ?? body.actions[0]?.action_ts ?? ''}`,
          },
        },
      );
      if (result.outcome !== 'accepted') return notYours(respond);
      for (const p of renderMessages(result.replies, true))
        await client.chat.postMessage({ channel: dm, ...p });
      await settlePrompt(body, respond, CONSENT_TEXT.accepted);
    } catch (err) {
      log.error({ error: errText(err) }, 'consent accept failed');
    }
  });

  app.action<BlockAction<ButtonAction>>(CONSENT_ACTION.decline, async ({ ack, body, respond }) => {
    await ack();
    const prompt = parseConsentValue(body.actions[0]?.value);
    if (!prompt || !isInvitee(prompt.userId, body.user.id)) return notYours(respond);
    await settlePrompt(body, respond, CONSENT_TEXT.declined);
  });

  // Intent signals: public channel messages (never DMs, bots, edits or the bot itself).
  app.event('message', async ({ event, body }) => {
    if (event.subtype !== undefined || event.bot_id || !event.user || event.user === w.botUserId) return;
    if (event.channel_type !== 'channel' && event.channel_type !== 'group') return;
    if (event.channel === w.salesChannel) return;
    const team = body.team_id ?? event.team ?? '';
    try {
      const result = await offerOnIntent(services, {
        member: slackMemberKey(team)(event.user),
        channelId: event.channel,
        text: event.text ?? '',
        eventId: body.event_id,
      });
      if (result.outcome !== 'offer') return;
      await client.chat.postMessage({
        channel: event.channel,
        thread_ts: event.ts,
        ...renderConsentPrompt(event.user, result.text),
      });
    } catch (err) {
      log.warn({ error: errText(err) }, 'intent offer failed');
    }
  });
}
