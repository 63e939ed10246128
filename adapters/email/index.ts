/**
 * The email sender: nodemailer over SMTP (`SMTP_URL`), implementing the core's
 * {@link EmailSender}. nodemailer is imported only when email is configured.
 */
import type { EmailSender } from '../../src/core/ports/index.ts';
import type { EmailConfig } from './config.ts';
import { toEmailError } from './errors.ts';
import { renderEmail } from './outbound.ts';

export type { EmailConfig } from './config.ts';

export interface EmailAdapter extends EmailSender {
  /** Closes the SMTP connection(s). */
  close(): void;
}

/**
 * Creates the sender. One SMTP connection per message (no pool): follow-ups trickle out a few
 * at a time, and a fresh connection never carries the state of a failed one. nodemailer's own
 * logger stays off: it would print recipients.
 */
export async function createEmailAdapter(config: EmailConfig): Promise<EmailAdapter> {
  const nodemailer = await import('nodemailer');
  const transport = nodemailer.createTransport(config.smtpUrl, {});
  const envelope = { from: config.from, domain: config.domain, unsubscribeMailto: config.unsubscribeMailto };
  return {
    async send(message) {
      try {
        await transport.sendMail(renderEmail(message, envelope));
      } catch (err) {
        throw toEmailError(err);
      }
    },
    close() {
      transport.close();
    },
  };
}
