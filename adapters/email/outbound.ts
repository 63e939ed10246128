/**
 * The core's {@link EmailMessage} as nodemailer message options (pure): a plain-text part and a
 * minimal HTML part, both with a visible unsubscribe link, the RFC 8058 one-click headers and a
 * Message-ID derived from the scheduled message's id. Everything from the flow or the lead is
 * escaped in the HTML part; the subject loses line breaks so it can never start a new header.
 */
import type { EmailMessage } from '../../src/core/ports/index.ts';
import { escapeHtml } from '../web/html.ts';

export interface EmailEnvelope {
  from: string;
  /** Right-hand side of the Message-ID (the From domain). */
  domain: string;
  /** Optional `mailto:` unsubscribe address. */
  unsubscribeMailto: string | null;
}

/** The message options nodemailer's `sendMail` takes (the subset used here). */
export interface MailOptions {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** One List-Unsubscribe header holding every entry (RFC 2369 §3.2: a comma-separated list). */
  list: { unsubscribe: { url: string }[][] };
  headers: Record<string, string>;
}

/** `<leadbot.<row id>@<domain>>`: the same row always yields the same Message-ID. */
export function messageIdFor(id: string, domain: string): string {
  return `<leadbot.${id}@${domain}>`;
}

const oneLine = (s: string) => s.replace(/[\r\n\u2028\u2029]+/g, ' ').trim();

/** Builds the message options for one follow-up email. */
export function renderEmail(m: EmailMessage, env: EmailEnvelope): MailOptions {
  const text = [m.body, ...(m.link ? [m.link] : []), '--', `Unsubscribe: ${m.unsubscribeUrl}`].join('\n\n');
  const paragraphs = m.body
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const link = m.link ? `<p><a href="${escapeHtml(m.link)}">${escapeHtml(m.link)}</a></p>\n` : '';
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(oneLine(m.subject))}</title></head>
<body>
${paragraphs}
${link}<p style="font-size:12px;color:#666"><a href="${escapeHtml(m.unsubscribeUrl)}">Unsubscribe</a> from these emails.</p>
</body></html>
`;
  const unsubscribe = [
    { url: m.unsubscribeUrl },
    ...(env.unsubscribeMailto ? [{ url: `mailto:${env.unsubscribeMailto}?subject=unsubscribe` }] : []),
  ];
  return {
    from: env.from,
    to: m.to,
    subject: oneLine(m.subject),
    text,
    html,
    messageId: messageIdFor(m.id, env.domain),
    list: { unsubscribe: [unsubscribe] },
    // RFC 8058 §3.1: a POST of this body to the https List-Unsubscribe URI unsubscribes.
    headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}
