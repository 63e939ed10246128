/**
 * The email sender: the real nodemailer against the loopback SMTP server, and how each SMTP
 * answer becomes the core's EmailRefusedError (retry or not, address unusable or not, reason
 * without the address). Plus the config section's refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEmailConfig } from '../../../adapters/email/config.ts';
import { createEmailAdapter, type EmailAdapter } from '../../../adapters/email/index.ts';
import { EmailRefusedError } from '../../../src/core/nurture/email-errors.ts';
import type { EmailMessage } from '../../../src/core/ports/index.ts';
import { FAKE_SMTP_MAX_BYTES, type FakeSmtp, startFakeSmtp } from '../../fakes/smtp-server.ts';

let smtp: FakeSmtp;
let sender: EmailAdapter;
const env = (url: string) => ({
  SMTP_URL: url,
  EMAIL_FROM: 'Acme <hello@acme.example>',
  EMAIL_PUBLIC_URL: 'https://bot.acme.example/',
  EMAIL_UNSUBSCRIBE_SECRET: 'a-secret-of-sixteen-plus',
  EMAIL_UNSUBSCRIBE_MAILTO: 'unsubscribe@acme.example',
});
beforeAll(async () => {
  smtp = await startFakeSmtp();
  sender = await createEmailAdapter(parseEmailConfig(env(smtp.url))!);
});
afterAll(async () => {
  sender.close();
  await smtp.close();
});

let n = 0;
const message = (over: Partial<EmailMessage> = {}): EmailMessage => ({
  id: `row-${++n}`,
  to: 'ann@example.com',
  subject: 'Hello\r\nBcc: everyone@example.com',
  body: 'Hi',
  link: null,
  unsubscribeUrl: 'https://bot.acme.example/email/unsubscribe?t=abc',
  ...over,
});
const refusal = async (m: EmailMessage) => {
  const err = await sender.send(m).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EmailRefusedError);
  const e = err as EmailRefusedError;
  expect(`${e.message} ${e.reason}`).not.toContain('example.com');
  return { permanent: e.permanent, invalid: e.invalidAddress, reason: e.reason };
};

describe('email sender', () => {
  it('sends one message: subject kept on one line, both List-Unsubscribe entries, Message-ID from the id', async () => {
    await sender.send(message({ id: 'abc123' }));
    const got = smtp.received.at(-1)!;
    expect(got.messageId).toBe('<leadbot.abc123@acme.example>');
    expect(got.subject).toBe('Hello Bcc: everyone@example.com');
    expect(got.to).toEqual(['ann@example.com']);
    expect(got.header('list-unsubscribe')).toBe(
      '<https://bot.acme.example/email/unsubscribe?t=abc>, <mailto:unsubscribe@acme.example?subject=unsubscribe>',
    );
  });

  it('421: retry later, not permanent', async () => {
    smtp.failNext({ code: 421, text: '4.7.0 Try again later' });
    expect(await refusal(message())).toEqual({ permanent: false, invalid: false, reason: '421 4.7.0' });
  });

  it('550 5.1.1 at RCPT: permanent, the address is unusable', async () => {
    expect(await refusal(message({ to: 'unknown@example.com' }))).toEqual({
      permanent: true,
      invalid: true,
      reason: '550 5.1.1',
    });
  });

  it('554 5.7.1 after DATA (policy): permanent, the address itself is fine', async () => {
    smtp.failNext({ code: 554, text: '5.7.1 Message rejected as spam', stage: 'data' });
    expect(await refusal(message())).toEqual({ permanent: true, invalid: false, reason: '554 5.7.1' });
  });

  it('over the server SIZE limit: permanent, never retried', async () => {
    const r = await refusal(message({ body: 'x'.repeat(FAKE_SMTP_MAX_BYTES + 10_000) }));
    expect(r.permanent).toBe(true);
    expect(r.invalid).toBe(false);
  });

  it('no server listening: a network error, retried', async () => {
    const down = await createEmailAdapter(parseEmailConfig(env('smtp://127.0.0.1:1'))!);
    const err = (await down.send(message()).catch((e: unknown) => e)) as EmailRefusedError;
    down.close();
    expect(err).toBeInstanceOf(EmailRefusedError);
    expect(err.permanent).toBe(false);
  });
});

describe('email config', () => {
  it('is off without SMTP_URL, and names the variable and the fix otherwise', () => {
    expect(parseEmailConfig({ EMAIL_FROM: 'x@y.example' })).toBeNull();
    expect(() => parseEmailConfig({ SMTP_URL: 'smtp://h:25' })).toThrow(
      /EMAIL_FROM is required when SMTP_URL is set/,
    );
    expect(() => parseEmailConfig({ ...env('smtp://h:25'), EMAIL_FROM: 'not an address' })).toThrow(
      /EMAIL_FROM/,
    );
    expect(() => parseEmailConfig({ ...env('http://h'), SMTP_URL: 'http://h' })).toThrow(
      /SMTP_URL is not an smtp/,
    );
    expect(() => parseEmailConfig({ ...env('smtp://h:25'), EMAIL_UNSUBSCRIBE_SECRET: 'short' })).toThrow(
      /EMAIL_UNSUBSCRIBE_SECRET is shorter than 16/,
    );
    const c = parseEmailConfig({ ...env('smtps://u:pw@h:465'), EMAIL_QUIET_HOURS: '22:00-07:00' })!;
    expect(c).toMatchObject({ domain: 'acme.example', publicUrl: 'https://bot.acme.example' });
    expect(c.outreach.quietHours).toEqual({ start: 22 * 60, end: 7 * 60 });
  });
});
