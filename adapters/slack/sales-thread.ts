/**
 * The Slack {@link SalesThread}: posts in the thread of a sales alert (`thread_ts` = the alert's
 * `ts`, the outbox row's externalRef) in `SLACK_SALES_CHANNEL` — what the prospect answered,
 * reminders of an unclaimed alert, the end of a handoff. Exactly once: the thread is searched for
 * the message's key before posting (handoff-post.ts).
 */
import type { WebClient } from '@slack/web-api';
import type { Logger, SalesThread, ThreadPost } from '../../src/core/ports/index.ts';
import { clipEscaped } from '../../src/core/text-fit.ts';
import { escapeMrkdwn } from './escape.ts';
import { handoffParts, postHandoffOnce } from './handoff-post.ts';

export interface SlackSalesThreadOptions {
  /** A client without built-in retries (`retries: 0`, `rejectRateLimitedCalls: true`): the dispatcher retries. */
  client: WebClient;
  /** `SLACK_SALES_CHANNEL`: where the alerts, and so their threads, are. */
  channel: string;
  logger: Logger;
}

/** Characters of a prospect's name before their message (escaped, clipped). */
const NAME_MAX = 80;

/** A Slack user or user group id as a mention; anything else is not one (null). */
export function slackMention(id: string | null): string | null {
  if (!id) return null;
  const bare = id.startsWith('slack:') ? id.slice('slack:'.length) : id;
  if (/^[UW][A-Z0-9]{2,20}$/.test(bare)) return `<@${bare}>`;
  if (/^S[A-Z0-9]{2,20}$/.test(bare)) return `<!subteam^${bare}>`;
  return null;
}

/**
 * A thread post as message texts (mrkdwn). What the prospect typed is escaped, so nothing in it
 * pings the sales channel or forms a link; the only mention is the reminder's, a rep id from
 * the app's own configuration.
 */
export function renderSlackThreadPost(post: ThreadPost['post']): string[] {
  switch (post.kind) {
    case 'prospect': {
      const name = clipEscaped(post.name || 'The prospect', NAME_MAX, escapeMrkdwn);
      return handoffParts(`*${name}*: `, post.text);
    }
    case 'reminder': {
      const who = slackMention(post.mention);
      const ask = who ? `${who} can you take it?` : 'can someone take it?';
      const lead = post.round > 1 ? 'Still unclaimed' : 'Unclaimed';
      return [`:alarm_clock: ${lead} for ${post.minutes} min — ${ask}`];
    }
    case 'closed': {
      const who = slackMention(post.by) ?? clipEscaped(post.by, NAME_MAX, escapeMrkdwn);
      return [`:lock: Conversation closed by ${who}. New messages of the prospect go back to the flow.`];
    }
  }
}

/** Creates the thread poster; errors are `DeliveryError`s for the outbox dispatcher. */
export function createSlackSalesThread(opts: SlackSalesThreadOptions): SalesThread {
  const log = opts.logger.child({ component: 'slack-sales-thread' });
  return {
    sink: 'slack',
    async post(post, idempotencyKey) {
      const target = { channel: opts.channel, threadTs: post.alert.externalRef };
      const parts = renderSlackThreadPost(post.post);
      const ts = await postHandoffOnce(opts.client, target, parts, idempotencyKey, post.leadId);
      log.info({ leadId: post.leadId, kind: post.post.kind, ts }, 'posted in the alert thread');
      return { externalRef: ts };
    },
  };
}
