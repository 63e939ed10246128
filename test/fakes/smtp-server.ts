/**
 * A loopback SMTP server for email tests: the real `smtp-server` package speaking the protocol on
 * 127.0.0.1 and `mailparser` reading what it accepted, so the real nodemailer is tested end to
 * end. It behaves like a mail server on the points the sender relies on:
 * - a SIZE limit (RFC 1870): advertised in EHLO, a larger message is refused with 552;
 * - unknown mailboxes (`unknown@…`) are refused at RCPT with `550 5.1.1` (RFC 3463 X.1.1);
 * - scripted replies on demand: the next deliveries can be answered 421 (RFC 5321 §3.8:
 *   service not available, try again later) or any other code, at RCPT or after DATA.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedEmail {
  messageId: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Raw header lines by lower-case name (the List-* headers are checked as written). */
  header(name: string): string | undefined;
  parsed: ParsedMail;
}

export interface FakeSmtp {
  url: string;
  received: ReceivedEmail[];
  /** Answers the next delivery (at `stage`) with this reply instead of accepting it. */
  failNext(reply: { code: number; text: string; stage?: 'rcpt' | 'data' }): void;
  /** How many times a Message-ID was received. */
  timesSeen(messageId: string): number;
  close(): Promise<void>;
}

/** Like a provider's limit; small enough for a test to exceed. */
export const FAKE_SMTP_MAX_BYTES = 200_000;

const smtpError = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

export async function startFakeSmtp(): Promise<FakeSmtp> {
  const received: ReceivedEmail[] = [];
  const scripted: { code: number; text: string; stage: 'rcpt' | 'data' }[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // RFC 1870: the limit is advertised as SIZE and a bigger message is refused with 552.
    size: FAKE_SMTP_MAX_BYTES,
    logger: false,
    onRcptTo(address, _session, cb) {
      if (scripted[0]?.stage === 'rcpt') {
        const r = scripted.shift()!;
        return cb(smtpError(r.code, r.text));
      }
      if (address.address.startsWith('unknown@'))
        return cb(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected: User unknown`));
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((parsed) => {
          if (stream.sizeExceeded) return cb(smtpError(552, '5.3.4 Message size exceeds fixed limit'));
          if (scripted[0]?.stage === 'data') {
            const r = scripted.shift()!;
            return cb(smtpError(r.code, r.text));
          }
          const lines = new Map(
            parsed.headerLines.map((h) => [
              h.key,
              h.line
                .slice(h.line.indexOf(':') + 1)
                .replace(/\r?\n[ \t]+/g, ' ') // unfolded (RFC 5322 §2.2.3)
                .trim(),
            ]),
          );
          received.push({
            messageId: parsed.messageId ?? '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            header: (name) => lines.get(name.toLowerCase()),
            parsed,
          });
          cb();
        })
        .catch((err: unknown) => cb(err as Error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    failNext: (r) => scripted.push({ stage: 'rcpt', ...r }),
    timesSeen: (id) => received.filter((m) => m.messageId === id).length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
