/**
 * The handoff on Slack, as bolt listeners: a rep's reply in a sales alert's thread goes to the
 * lead (the core's relayRepMessage: transcript + outbox row to the prospect's private chat), and
 * the alert's Close button — or a thread reply of exactly `close` — ends the conversation
 * (closeHandoff). Slack slash commands carry no thread, so `/leadbot close` cannot say which
 * alert it means; a message starting with `/` is never posted as text, so `close` alone is the
 * word a rep types. What the core refuses is said to the rep alone (an ephemeral in the thread).
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from '../../src/core/ports/index.ts';
import type { HandoffAct, HandoffActions } from '../shared/handoff.ts';
import { ALERT_ACTION } from './alert-render.ts';
import { decodeSlackText } from './escape.ts';
import { clickedMessage } from './inbound.ts';
import type { SlackProfiles } from './profile.ts';

export interface SlackHandoffWiring {
  app: App;
  actions: HandoffActions;
  /** `SLACK_SALES_CHANNEL`: only its alerts' threads are relayed. */
  salesChannel: string;
  botUserId?: string;
  profiles: SlackProfiles;
  logger: Logger;
}

/** What the rep is told, alone, when the core does not relay; null: nothing to say. */
export const HANDOFF_REFUSALS: Record<string, string> = {
  not_claimed: 'Claim the lead first: only its owner can write to them from this thread.',
  unreachable: 'This lead has no private chat leadbot can write to (no chat account).',
  not_open: 'No conversation with this lead is open.',
};

/** The word that closes the conversation when typed alone in the thread. */
export const CLOSE_WORD = 'close';

/**
 * A rep's Slack text as the plain words the prospect reads on any platform: links as their
 * address, mentions as `@name` (they mean nothing outside this workspace), entities decoded.
 */
export function slackToPlain(text: string): string {
  const plain = text
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>/g, (_m, url: string) => url.replace(/^mailto:/, ''))
    .replace(/<([@#])[A-Z0-9]+\|([^>]*)>/g, (_m, sigil: string, label: string) => `${sigil}${label}`)
    .replace(/<@([A-Z0-9]+)>/g, '@someone')
    .replace(/<#([A-Z0-9]+)>/g, '#channel')
    .replace(
      /<!(\w+)(?:\^[^|>]*)?(?:\|([^>]*))?>/g,
      (_m, word: string, label?: string) => label ?? `@${word}`,
    );
  return decodeSlackText(plain);
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Registers the thread listener and the Close button on `w.app`. */
export function registerSlackHandoff(w: SlackHandoffWiring): void {
  const { app } = w;
  const log = w.logger.child({ component: 'slack-handoff' });

  async function tellRep(channel: string, user: string, threadTs: string, outcome: string) {
    const text = HANDOFF_REFUSALS[outcome];
    if (!text) return;
    await app.client.chat
      .postEphemeral({ channel, user, thread_ts: threadTs, text })
      .catch((err) => log.warn({ error: errText(err) }, 'could not tell the rep'));
  }

  app.event('message', async ({ event, body, context }) => {
    // A reply also sent to the channel ("Also send to #sales") is a thread reply too; edits,
    // deletions, joins and bots' messages are not a rep writing.
    const reply = event.subtype === undefined || event.subtype === 'thread_broadcast';
    if (event.channel !== w.salesChannel || !reply || ('bot_id' in event && event.bot_id)) return;
    const user = event.user;
    const threadTs = 'thread_ts' in event ? event.thread_ts : undefined;
    // A thread reply: its thread_ts names the alert; the alert itself (thread_ts = ts) is not one.
    if (!user || user === (context.botUserId ?? w.botUserId) || !threadTs || threadTs === event.ts) return;
    const text = slackToPlain(event.text ?? '').trim();
    const team = body.team_id ?? '';
    const act: HandoffAct = {
      alert: { sink: 'slack', externalRef: threadTs },
      rep: `slack:${user}`,
      repName: await w.profiles.nameOf(team, user),
      event: { platform: 'slack', eventId: `handoff:${body.event_id}` },
    };
    // A failure of the core (the database away) propagates: the inbox retries the event.
    const { outcome } =
      text.toLowerCase() === CLOSE_WORD
        ? await w.actions.close(act)
        : await w.actions.relay({ ...act, text });
    log.info({ outcome, alert: threadTs }, 'rep message in an alert thread');
    await tellRep(event.channel, user, threadTs, outcome);
  });

  app.action<BlockAction<ButtonAction>>(ALERT_ACTION.close, async ({ ack, body }) => {
    await ack();
    const alert = clickedMessage(body);
    const actionTs = body.actions[0]?.action_ts;
    if (!alert || !actionTs) return;
    const { outcome } = await w.actions.close({
      alert: { sink: 'slack', externalRef: alert.ts },
      rep: `slack:${body.user.id}`,
      repName: await w.profiles.nameOf(body.team?.id ?? '', body.user.id),
      event: { platform: 'slack', eventId: `handoff-close:${actionTs}:${body.trigger_id ?? ''}` },
    });
    log.info({ outcome, alert: alert.ts }, 'close pressed on an alert');
    await tellRep(alert.channel, body.user.id, alert.ts, outcome);
  });
}
