/**
 * The one place nodemailer's errors become the core's {@link EmailRefusedError}. nodemailer
 * sets `responseCode` (and `permanent` for 5xx) from the SMTP reply; its `message` and
 * `response` may quote the recipient's address, so only the codes are kept.
 */
import { EmailRefusedError } from '../../src/core/nurture/email-errors.ts';

/** `550 5.1.1`: reply code and enhanced status code (RFC 3463), when present. */
function codesOf(responseCode: number | undefined, response: string | undefined): string {
  const enhanced = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(response ?? '')?.[1];
  return [responseCode, enhanced].filter((x) => x !== undefined).join(' ');
}

/**
 * Enhanced status codes of an unusable mailbox address (RFC 3463 §3.2 X.1.x: bad destination
 * mailbox, system, syntax; 5.1.10 null MX) and the plain reply codes that mean the same when
 * the server sends no enhanced code (550/553 at RCPT).
 */
const INVALID_ENHANCED = /^5\.1\.(1|2|3|6|10)$/;

export function toEmailError(err: unknown): EmailRefusedError {
  const e = (err ?? {}) as { responseCode?: unknown; response?: unknown; code?: unknown; command?: unknown };
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const response = typeof e.response === 'string' ? e.response : undefined;
  const code = typeof e.code === 'string' ? e.code : 'ERROR';
  if (responseCode === undefined) {
    // No SMTP reply: network, TLS, DNS, timeouts — worth retrying. A recipient nodemailer
    // itself refused to put in the envelope is an unusable address.
    const invalid = code === 'EENVELOPE' && !/MAIL FROM/i.test(String(e.command ?? ''));
    return new EmailRefusedError(code, { permanent: invalid, invalidAddress: invalid, cause: undefined });
  }
  const reason = codesOf(responseCode, response);
  const enhanced = reason.split(' ')[1];
  const permanent = responseCode >= 500;
  const atRecipient = /RCPT/i.test(String(e.command ?? '')) || code === 'EENVELOPE';
  const invalidAddress =
    permanent &&
    (enhanced !== undefined
      ? INVALID_ENHANCED.test(enhanced)
      : atRecipient && [550, 553].includes(responseCode));
  return new EmailRefusedError(reason, { permanent, invalidAddress });
}
