/**
 * Pure rendering of a sales alert for a Telegram chat: the content the Slack blocks and the
 * Discord embed show (src/core/alert-content.ts), as plain text — no parse mode, mentions
 * neutralised — since lead answers are what people typed and must not format, link or ping.
 */
import { alertContent } from '../../src/core/alert-content.ts';
import type { AlertPayload } from '../../src/core/ports/index.ts';
import { clip } from '../../src/core/text-fit.ts';
import { neutralizeText, TELEGRAM_TEXT_LIMIT } from './outbound.ts';

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
