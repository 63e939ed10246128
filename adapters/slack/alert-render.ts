/**
 * Pure rendering of a sales alert for the sales channel, and of its state after Claim or
 * Not a fit. Everything that came from a lead (name, company, answers, campaign) is escaped:
 * a prospect who types `<!channel>` as their company must not ping the sales team. Each value
 * is clipped after escaping (never inside an entity such as `&amp;`), so an alert fits Slack's
 * limits whatever the person typed: escaping can grow a text fourfold (`<` → `&lt;`), and a
 * refused alert (`invalid_blocks`) would never be delivered.
 */
import type { types } from '@slack/bolt';
import { alertContent } from '../../src/core/alert-content.ts';
import type { AlertPayload } from '../../src/core/ports/index.ts';
import { clip, clipEscaped } from '../../src/core/text-fit.ts';
import { escapeMrkdwn, plainText } from './escape.ts';
import { SECTION_TEXT_MAX, type SlackBlock, type SlackMessagePayload, withoutButtons } from './outbound.ts';
import { slackReach } from './profile.ts';

export const ALERT_ACTION = {
  claim: 'lb_alert_claim',
  notAFit: 'lb_alert_nofit',
  /** Ends the handoff (slash commands carry no thread, so closing is a button on the alert). */
  close: 'lb_alert_close',
} as const;
export const NOT_A_FIT_VIEW = 'lb_nofit_modal';
export const ALERT_EVENT_TYPE = 'leadbot_alert';

/**
 * Escaped characters one value of a lead may take: a field holds 2,000 (section fields,
 * https://docs.slack.dev/reference/block-kit/blocks/section-block), and a summary line carries
 * name and company together.
 */
const VALUE_MAX = 500;
/** Sections of answers and score lines together (a message holds 50 blocks; 6 are the rest of the alert). */
const LIST_SECTIONS = 40;

/** A person's text made inert, then clipped to {@link VALUE_MAX} without cutting an escape. */
const inertValue = (text: string) => clipEscaped(text, VALUE_MAX, escapeMrkdwn);

/**
 * Lines (each escaped already, each within a section) packed under `title` into sections of at
 * most 3,000 characters; lines beyond `maxSections` are dropped and counted in a last line.
 */
function listSections(title: string, lines: string[], maxSections: number): SlackBlock[] {
  const texts: string[] = [];
  let current = `*${title}*`;
  let kept = 0;
  for (const line of lines) {
    if (current.length + 1 + line.length <= SECTION_TEXT_MAX) current += `\n${line}`;
    else {
      if (texts.length + 1 >= maxSections) break;
      texts.push(current);
      current = line;
    }
    kept++;
  }
  if (kept < lines.length) {
    const more = `… and ${lines.length - kept} more`;
    current = current.length + 1 + more.length <= SECTION_TEXT_MAX ? `${current}\n${more}` : current;
  }
  texts.push(current);
  return texts.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

/** Message metadata carrying the idempotency key, found again through conversations.history. */
export function alertMetadata(alert: AlertPayload, idempotencyKey: string) {
  return {
    event_type: ALERT_EVENT_TYPE,
    event_payload: { idempotency_key: idempotencyKey, lead_id: alert.leadId },
  };
}

/**
 * The alert message: who, where from, answers, score breakdown (why SQL), a conversation
 * reference and the Claim / Not a fit buttons. `ownerUserId` is a Slack user id from config
 * (round-robin), so it is the only mention in the message.
 */
export function renderSlackAlert(alert: AlertPayload, ownerUserId?: string | null): SlackMessagePayload {
  const c = alertContent(alert, inertValue, slackReach);
  const answers = c.answers.map((a) => `• ${a.question}\n    ${a.answer}`);
  const breakdown = c.breakdown.map((line) => `• ${line}`);
  const blocks: SlackBlock[] = [
    { type: 'header', text: plainText(c.title, 150) },
    { type: 'section', fields: c.fields.map((f) => ({ type: 'mrkdwn', text: `*${f.label}*\n${f.value}` })) },
    { type: 'section', text: { type: 'mrkdwn', text: `*${c.why.label}*\n${c.why.text}` } },
  ];
  const answerSections = answers.length > 0 ? Math.max(1, LIST_SECTIONS - Math.min(breakdown.length, 10)) : 0;
  if (answers.length > 0) blocks.push(...listSections('Answers', answers, answerSections));
  if (breakdown.length > 0)
    blocks.push(...listSections('Score breakdown', breakdown, Math.max(1, LIST_SECTIONS - answerSections)));
  const ref = `Lead \`${escapeMrkdwn(alert.leadId)}\`${alert.conversationId ? ` · conversation \`${escapeMrkdwn(alert.conversationId)}\`` : ''}`;
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: ref }] });
  if (ownerUserId) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Assigned to <@${ownerUserId}>` }] });
  }
  blocks.push({
    type: 'actions',
    block_id: `lb_alert:${alert.leadId}`.slice(0, 255),
    elements: [
      {
        type: 'button',
        action_id: ALERT_ACTION.claim,
        text: plainText('Claim'),
        style: 'primary',
        value: alert.leadId,
      },
      {
        type: 'button',
        action_id: ALERT_ACTION.notAFit,
        text: plainText('Not a fit'),
        style: 'danger',
        value: alert.leadId,
      },
    ],
  });
  return { text: c.summary, blocks };
}

/**
 * What a claimed alert offers: how to talk with the lead (a reply in this thread reaches their
 * private chat) and the Close button that ends the conversation.
 */
function handoffBlocks(leadId: string): SlackBlock[] {
  return [
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Reply in this thread to write to the lead; they get it in their private chat.',
        },
      ],
    },
    {
      type: 'actions',
      block_id: `lb_handoff:${leadId}`.slice(0, 255),
      elements: [
        {
          type: 'button',
          action_id: ALERT_ACTION.close,
          text: plainText('Close conversation'),
          value: leadId,
        },
      ],
    },
  ];
}

/**
 * The alert after a click: buttons replaced by who did what (`note` is escaped). A claim (with
 * the lead's id) adds how to talk with the lead and the Close button.
 */
export function renderSlackAlertOutcome(
  blocks: SlackBlock[],
  outcome: { userId: string; claimed: boolean; note?: string; leadId?: string },
): SlackBlock[] {
  const isAssignedLine = (b: SlackBlock) =>
    b.type === 'context' && b.elements.some((e) => 'text' in e && e.text.startsWith('Assigned to'));
  // A second claim of an alert already claimed replaces the hint rather than repeating it.
  const isHandoffHint = (b: SlackBlock) =>
    b.type === 'context' && b.elements.some((e) => 'text' in e && e.text.startsWith('Reply in this thread'));
  const text = outcome.claimed
    ? `:raising_hand: Claimed by <@${outcome.userId}>`
    : `:no_entry_sign: Not a fit, per <@${outcome.userId}>${outcome.note ? `: ${escapeMrkdwn(clip(outcome.note, 500))}` : ''}`;
  const settled = withoutButtons(
    blocks.filter((b) => !isAssignedLine(b) && !isHandoffHint(b)),
    text,
  );
  return outcome.claimed && outcome.leadId ? [...settled, ...handoffBlocks(outcome.leadId)] : settled;
}

/** The modal asking why a lead is not a fit; the alert's location rides in private_metadata. */
export function notAFitModal(leadId: string, channel: string, ts: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: NOT_A_FIT_VIEW,
    private_metadata: JSON.stringify({ leadId, channel, ts }),
    title: plainText('Not a fit', 24),
    submit: plainText('Disqualify', 24),
    close: plainText('Cancel', 24),
    blocks: [
      {
        type: 'input',
        block_id: 'reason',
        label: plainText('Why is this lead not a fit?', 2000),
        element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: 500 },
      },
    ],
  };
}
