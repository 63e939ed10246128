/** Email follow-ups: what the core hands to the email sender (adapters/email/). */

/**
 * One follow-up email, platform-neutral: the sender renders the plain-text and the HTML part
 * (escaping everything) and adds the unsubscribe headers.
 */
export interface EmailMessage {
  /**
   * Unique per scheduled message (its row id). The sender derives the `Message-ID` from it, so a
   * resend after a crash carries the same id and receivers can tell it is the same message.
   */
  id: string;
  /** The lead's address; never logged. */
  to: string;
  subject: string;
  /** The flow's text with `{{variables}}` filled in: plain text that may hold anything a person typed. */
  body: string;
  /** The flow's link for this message, if any. */
  link: string | null;
  /** The signed one-click unsubscribe link (RFC 8058) on leadbot's HTTP server. */
  unsubscribeUrl: string;
}

/**
 * Sends follow-up emails (SMTP through nodemailer in adapters/email/). A refusal is thrown as
 * an `EmailRefusedError` (src/core/nurture/email-errors.ts): permanent (SMTP 5xx) or not (4xx,
 * network), with a reason safe to store and show (reply codes, never the address).
 */
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}
