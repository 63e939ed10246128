/**
 * Pure rendering of a sales alert for a Discord channel (REST message JSON), and of its state
 * after Claim or Not a fit. Same content as the Slack alert (src/core/alert-content.ts), with
 * lead-provided text escaped for Discord and `allowed_mentions: { parse: [] }` so nothing in
 * it pings. The idempotency key rides in the embed footer, where the sink finds it again.
 */
import type { APIEmbed, RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import { alertContent } from '../../src/core/alert-content.ts';
import type { AlertPayload } from '../../src/core/ports/index.ts';
import { escapeText, truncate } from './outbound.ts';

/** custom_id prefixes of the alert's buttons and modal (`lb:` like every leadbot id; ≤ 100 chars with a lead id). */
export const ALERT_IDS = {
  claim: 'lb:alert:claim:',
  notAFit: 'lb:alert:nofit:',
  modal: 'lb:alert:why:',
  reasonInput: 'reason',
} as const;

const FOOTER = 'leadbot alert · ';

/** The footer text that marks the message of one outbox row. */
export const alertFooter = (idempotencyKey: string): string => `${FOOTER}${idempotencyKey}`;

/** The alert message: embed with who, where from, why, answers and breakdown; Claim / Not a fit buttons. */
export function renderDiscordAlert(
  alert: AlertPayload,
  idempotencyKey: string,
): RESTPostAPIChannelMessageJSONBody {
  const c = alertContent(alert, escapeText);
  const fields = c.fields.map((f) => ({ name: f.label, value: truncate(f.value, 1024), inline: true }));
  const answers = c.answers.map((a) => `• ${a.question}\n    ${a.answer}`).join('\n');
  if (answers) fields.push({ name: 'Answers', value: truncate(answers, 1024), inline: false });
  const breakdown = c.breakdown.map((line) => `• ${line}`).join('\n');
  if (breakdown) fields.push({ name: 'Score breakdown', value: truncate(breakdown, 1024), inline: false });
  const ref = `Lead \`${alert.leadId}\`${alert.conversationId ? ` · conversation \`${alert.conversationId}\`` : ''}`;
  fields.push({ name: 'Reference', value: truncate(ref, 1024), inline: false });
  return {
    content: truncate(c.summary, 2000),
    embeds: [
      {
        title: truncate(c.title, 256),
        description: truncate(`**${c.why.label}**\n${c.why.text}`, 4096),
        fields,
        footer: { text: alertFooter(idempotencyKey) },
      },
    ],
    components: [
      {
        type: 1,
        components: [
          { type: 2, style: 3, label: 'Claim', custom_id: `${ALERT_IDS.claim}${alert.leadId}` },
          { type: 2, style: 4, label: 'Not a fit', custom_id: `${ALERT_IDS.notAFit}${alert.leadId}` },
        ],
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

/** True when `embeds` carry the footer of `idempotencyKey`. */
export function hasAlertKey(
  embeds: { footer?: { text?: string } | null }[] | undefined,
  key: string,
): boolean {
  return (embeds ?? []).some((e) => e.footer?.text === alertFooter(key));
}

/** The alert's embeds after a click: an Outcome field saying who did what (`note` is escaped). */
export function renderDiscordOutcome(
  embeds: APIEmbed[],
  outcome: { userId: string; claimed: boolean; note?: string },
): APIEmbed[] {
  const text = outcome.claimed
    ? `Claimed by <@${outcome.userId}>`
    : `Not a fit, per <@${outcome.userId}>${outcome.note ? `: ${escapeText(outcome.note)}` : ''}`;
  const [first, ...rest] = embeds;
  const base: APIEmbed = first ?? { title: 'Sales alert' };
  const fields = (base.fields ?? []).filter((f) => f.name !== 'Outcome');
  fields.push({ name: 'Outcome', value: truncate(text, 1024), inline: false });
  return [{ ...base, fields }, ...rest];
}

/** The modal asking why a lead is not a fit. */
export function notAFitModal(leadId: string) {
  return {
    custom_id: `${ALERT_IDS.modal}${leadId}`,
    title: 'Not a fit',
    components: [
      {
        type: 1,
        components: [
          {
            type: 4,
            custom_id: ALERT_IDS.reasonInput,
            style: 2,
            label: 'Why is this lead not a fit?',
            required: true,
            max_length: 500,
          },
        ],
      },
    ],
  };
}
