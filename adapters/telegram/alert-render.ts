/**
 * Pure rendering of a sales alert for a Telegram chat: the content the Slack blocks and the
 * Discord embed show (src/core/alert-content.ts), as plain text — no parse mode, mentions
 * neutralised — since lead answers are what people typed and must not format, link or ping.
 * Below it, Claim / Not a fit buttons; Not a fit asks for the reason with a ForceReply prompt
 * (Telegram has no modals) whose text names the lead and the alert, so the reply finds both.
 */
import type { ForceReply, InlineKeyboardMarkup } from 'grammy/types';
import { alertContent } from '../../src/core/alert-content.ts';
import type { AlertPayload } from '../../src/core/ports/index.ts';
import { clip } from '../../src/core/text-fit.ts';
import { neutralizeText, TELEGRAM_TEXT_LIMIT } from './outbound.ts';

/** callback_data prefixes of the alert's buttons (a lead id is far below the 64-byte limit). */
export const ALERT_DATA = { claim: 'lba:c:', notAFit: 'lba:n:' } as const;

/** The alert as the text posted to the sales chat. */
export function renderTelegramAlert(alert: AlertPayload): string {
  const c = alertContent(alert, neutralizeText);
  const lines = [
    `🔥 ${c.title}: ${c.who}`,
    ...c.fields.map((f) => `${f.label}: ${f.value}`),
    `${c.why.label}: ${c.why.text}`,
    '',
    ...c.answers.map((a) => `• ${a.question} — ${a.answer}`),
    '',
    ...c.breakdown,
    '',
    `Lead ${alert.leadId}`,
  ];
  return clip(lines.join('\n'), TELEGRAM_TEXT_LIMIT);
}

/** Claim / Not a fit under the alert. */
export function alertKeyboard(leadId: string): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      [
        { text: 'Claim', callback_data: `${ALERT_DATA.claim}${leadId}` },
        { text: 'Not a fit', callback_data: `${ALERT_DATA.notAFit}${leadId}` },
      ],
    ],
  };
}

/** The alert's text once decided: the outcome line appended, the whole within 4,096. */
export function alertWithOutcome(alertText: string, outcome: string): string {
  const tail = `\n\n${neutralizeText(outcome)}`;
  return `${clip(alertText, TELEGRAM_TEXT_LIMIT - tail.length)}${tail}`;
}

const PROMPT = /^Not a fit: lead (\S+) \(alert (\d+)\)\./;

/** The ForceReply prompt asking why; its text carries the lead and the alert message id. */
export function notAFitPrompt(
  leadId: string,
  alertMessageId: number,
): { text: string; reply_markup: ForceReply } {
  return {
    text: `Not a fit: lead ${leadId} (alert ${alertMessageId}). Reply to this message with the reason.`,
    reply_markup: { force_reply: true, input_field_placeholder: 'Why is this lead not a fit?' },
  };
}

/** Reads a prompt's text back; null for any other message of the bot. */
export function parseNotAFitPrompt(
  text: string | undefined,
): { leadId: string; alertMessageId: number } | null {
  const m = PROMPT.exec(text ?? '');
  return m ? { leadId: m[1]!, alertMessageId: Number(m[2]) } : null;
}
