/**
 * How a follow-up reads on the lead card and the dashboard: where it goes (or went) and its
 * status in words, with the reason an email was not sent ("not sent: no SMTP", the mail
 * server's reply codes — never an address).
 */
import type { ScheduledMessage } from '../ports/index.ts';

/** `telegram`, `email`, or `telegram or email` while a chat-then-email row is pending. */
export function followUpVia(m: ScheduledMessage): string {
  if (m.sentVia) return m.sentVia === 'chat' ? m.platform : 'email';
  if (m.channel === 'email') return 'email';
  return m.channel === 'chat-then-email' ? `${m.platform} or email` : m.platform;
}

const EMAIL_REASONS: Record<string, string> = {
  no_smtp: 'not sent: no SMTP',
  no_email: 'not sent: no email address',
  no_consent: 'not sent: no consent',
  unconfirmed: 'maybe sent: the process stopped while sending (not sent again)',
};

/** The status with its reason, e.g. `sent`, `cancelled (stopped)`, `not sent: no SMTP`. */
export function followUpStatus(m: ScheduledMessage): string {
  const o = m.outcome ?? '';
  if (m.status === 'skipped' && EMAIL_REASONS[o]) return EMAIL_REASONS[o];
  const [head, codes] = [o.split(':')[0], o.slice(o.indexOf(':') + 1)];
  if (m.status === 'skipped' && head === 'invalid_address')
    return codes && codes !== o ? `not sent: invalid address (${codes})` : 'not sent: invalid address';
  if (m.status === 'skipped' && head === 'bounced') return `not sent: refused by the mail server (${codes})`;
  if (m.status === 'pending' && head === 'smtp_retry') return `pending (retrying after ${codes})`;
  return o && o !== m.status ? `${m.status} (${o})` : m.status;
}
