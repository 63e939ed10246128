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
import { clipEscapedText, fitEmbeds } from './embed-fit.ts';
import { escapeText } from './outbound.ts';
import { discordReach } from './profile.ts';

/** custom_id prefixes of the alert's buttons and modal (`lb:` like every leadbot id; ≤ 100 chars with a lead id). */
export const ALERT_IDS = {
  claim: 'lb:alert:claim:',
  notAFit: 'lb:alert:nofit:',
  /** Ends the handoff (on a claimed alert; `/leadbot close` in the thread does the same). */
  close: 'lb:alert:close:',
  modal: 'lb:alert:why:',
  reasonInput: 'reason',
} as const;

const FOOTER = 'leadbot alert · ';

/** Fields never shortened for the 6,000 total: who decided (a mention), and the lead's id. */
const KEEP_WHOLE = ['Outcome', 'Reference'] as const;

/** The footer text that marks the message of one outbox row. */
export const alertFooter = (idempotencyKey: string): string => `${FOOTER}${idempotencyKey}`;

/** The alert message: embed with who, where from, why, answers and breakdown; Claim / Not a fit buttons. */
export function renderDiscordAlert(
  alert: AlertPayload,
  idempotencyKey: string,
): RESTPostAPIChannelMessageJSONBody {
  const c = alertContent(alert, escapeText, discordReach);
  const embed = new EmbedBuilder()
    .setTitle(clipEscapedText(c.title, 256))
    .setDescription(clipEscapedText(`**${c.why.label}**\n${c.why.text}`, 4096))
    .addFields(c.fields.map((f) => ({ name: f.label, value: clipEscapedText(f.value, 1024), inline: true })))
    .setFooter({ text: alertFooter(idempotencyKey) });
  const answers = c.answers.map((a) => `• ${a.question}\n    ${a.answer}`).join('\n');
  if (answers) embed.addFields({ name: 'Answers', value: clipEscapedText(answers, 1024), inline: false });
  const breakdown = c.breakdown.map((line) => `• ${line}`).join('\n');
  if (breakdown)
    embed.addFields({ name: 'Score breakdown', value: clipEscapedText(breakdown, 1024), inline: false });
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
    content: clipEscapedText(c.summary, 2000),
    // Each text within its limit is not enough: together they must stay within 6,000.
    embeds: fitEmbeds([embed.toJSON()], KEEP_WHOLE),
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
    ? `Claimed by <@${outcome.userId}>\n${HANDOFF_HINT}`
    : `Not a fit, per <@${outcome.userId}>${outcome.note ? `: ${escapeText(clip(outcome.note, 500))}` : ''}`;
  const [first, ...rest] = embeds;
  const embed = new EmbedBuilder(first ?? { title: 'Sales alert' });
  const fields = (embed.data.fields ?? []).filter((f) => f.name !== 'Outcome');
  embed.setFields(...fields, { name: 'Outcome', value: clipEscapedText(text, 1024), inline: false });
  // The Outcome field adds to a full alert: fitted again to the 6,000 total.
  return fitEmbeds([embed.toJSON(), ...rest], KEEP_WHOLE);
}

/** What a claimed alert says about talking with the lead. */
export const HANDOFF_HINT =
  "Reply in this alert's thread to write to the lead: they get it in their private chat.";

/** The claimed alert's button: Close conversation. */
export function handoffButtons(leadId: string) {
  return [
    new ActionRowBuilder<ButtonBuilder>()
      .addComponents(
        new ButtonBuilder()
          .setStyle(ButtonStyle.Secondary)
          .setLabel('Close conversation')
          .setCustomId(`${ALERT_IDS.close}${leadId}`),
      )
      .toJSON(),
  ];
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
