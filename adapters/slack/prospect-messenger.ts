/**
 * The Slack {@link ProspectMessenger}: a rep's messages and the handoff's notices in the
 * prospect's DM with the bot (the conversation's channel, `D…`). Exactly once: the DM's recent
 * history is searched for the message's key before posting (handoff-post.ts). What a rep typed
 * is escaped like everything else: nothing in it pings or forms a disguised link.
 */
import type { WebClient } from '@slack/web-api';
import { handoffWords } from '../../src/core/handoff/words.ts';
import type { Logger, ProspectDelivery, ProspectMessenger } from '../../src/core/ports/index.ts';
import { toPlatformError } from './errors.ts';
import { escapeMrkdwn } from './escape.ts';
import { handoffParts, postHandoffOnce } from './handoff-post.ts';

export interface SlackProspectMessengerOptions {
  /** A client without built-in retries (`retries: 0`, `rejectRateLimitedCalls: true`): the dispatcher retries. */
  client: WebClient;
  logger: Logger;
}

/** A delivery as DM texts (mrkdwn, escaped, split within Slack's text limit). */
export function renderSlackProspectMessage(message: ProspectDelivery['message']): string[] {
  const { prefix, text } = handoffWords(message);
  return handoffParts(escapeMrkdwn(prefix), text);
}

/** Creates the messenger; errors are `DeliveryError`s for the outbox dispatcher. */
export function createSlackProspectMessenger(opts: SlackProspectMessengerOptions): ProspectMessenger {
  const log = opts.logger.child({ component: 'slack-prospect-messenger' });
  /** The prospect's DM with the bot: the conversation's own, or opened (a flow begun from a mention). */
  async function dmOf(delivery: ProspectDelivery): Promise<string> {
    if (delivery.to.channelId.startsWith('D')) return delivery.to.channelId;
    try {
      const dm = (await opts.client.conversations.open({ users: delivery.to.userId })).channel?.id;
      if (!dm) throw new Error('conversations.open returned no channel');
      return dm;
    } catch (err) {
      throw toPlatformError(err, 'conversations.open');
    }
  }
  return {
    platform: 'slack',
    async deliver(delivery, idempotencyKey) {
      const target = { channel: await dmOf(delivery) };
      const parts = renderSlackProspectMessage(delivery.message);
      const ts = await postHandoffOnce(opts.client, target, parts, idempotencyKey, delivery.leadId);
      log.info(
        { leadId: delivery.leadId, kind: delivery.message.kind, ts },
        'handoff message sent to the prospect',
      );
      return { externalRef: ts };
    },
  };
}
