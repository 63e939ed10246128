/**
 * Pure rendering of a sales alert for a Discord channel (REST message JSON, built with
 * discord.js's builders), and of its state after Claim or Not a fit. Same content as the Slack
 * alert (src/core/alert-content.ts), with lead-provided text escaped for Discord and
 * `allowed_mentions: { parse: [] }` so nothing in it pings. The idempotency key rides in the
 * embed footer, where the sink finds it again.
 */
import {
  ActionRowBuilder,
  type APIEmbed,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  LabelBuilder,
  ModalBuilder,
  type RESTPostAPIChannelMessageJSONBody,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { alertContent } from '../../src/core/alert-content.ts';
import type { AlertPayload } from '../../src/core/ports/index.ts';
import { clip } from '../../src/core/text-fit.ts';
import { escapeText } from './outbound.ts';
import { discordReach } from './profile.ts';

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
  const c = alertContent(alert, escapeText, discordReach);
  const embed = new EmbedBuilder()
    .setTitle(clip(c.title, 256))
    .setDescription(clip(`**${c.why.label}**\n${c.why.text}`, 4096))
    .addFields(c.fields.map((f) => ({ name: f.label, value: clip(f.value, 1024), inline: true })))
    .setFooter({ text: alertFooter(idempotencyKey) });
  const answers = c.answers.map((a) => `• ${a.question}\n    ${a.answer}`).join('\n');
  if (answers) embed.addFields({ name: 'Answers', value: clip(answers, 1024), inline: false });
  const breakdown = c.breakdown.map((line) => `• ${line}`).join('\n');
  if (breakdown) embed.addFields({ name: 'Score breakdown', value: clip(breakdown, 1024), inline: false });
  const ref = `Lead \`${alert.leadId}\`${alert.conversationId ? ` · conversation \`${alert.conversationId}\`` : ''}`;
  embed.addFields({ name: 'Reference', value: clip(ref, 1024), inline: false });
  const buttons = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setStyle(ButtonStyle.Success)
      .setLabel('Claim')
      .setCustomId(`${ALERT_IDS.claim}${alert.leadId}`),
    new ButtonBuilder()
      .setStyle(ButtonStyle.Danger)
      .setLabel('Not a fit')
      .setCustomId(`${ALERT_IDS.notAFit}${alert.leadId}`),
  );
  return {
    content: clip(c.summary, 2000),
    embeds: [embed.toJSON()],
    components: [buttons.toJSON()],
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
export function renderDiscordAlertOutcome(
  embeds: APIEmbed[],
  outcome: { userId: string; claimed: boolean; note?: string },
): APIEmbed[] {
  const text = outcome.claimed
    ? `Claimed by <@${outcome.userId}>`
    : `Not a fit, per <@${outcome.userId}>${outcome.note ? `: ${escapeText(outcome.note)}` : ''}`;
  const [first, ...rest] = embeds;
  const embed = new EmbedBuilder(first ?? { title: 'Sales alert' });
  const fields = (embed.data.fields ?? []).filter((f) => f.name !== 'Outcome');
  embed.setFields(...fields, { name: 'Outcome', value: clip(text, 1024), inline: false });
  return [embed.toJSON(), ...rest];
}

/** The modal asking why a lead is not a fit. */
export function notAFitModal(leadId: string): ModalBuilder {
  const reason = new TextInputBuilder()
    .setCustomId(ALERT_IDS.reasonInput)
    .setStyle(TextInputStyle.Paragraph)
    .setRequired(true)
    .setMaxLength(500);
  return new ModalBuilder()
    .setCustomId(`${ALERT_IDS.modal}${leadId}`)
    .setTitle('Not a fit')
    .addLabelComponents(
      new LabelBuilder().setLabel('Why is this lead not a fit?').setTextInputComponent(reason),
    );
}
