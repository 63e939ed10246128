/**
 * Email follow-ups configuration (#21): `SMTP_URL` turns them on, `EMAIL_*` says who sends, where
 * the unsubscribe link points and when email may go out. Parsed with the rest of the
 * configuration (an app section), so a bad value fails at start with one line. Off when
 * `SMTP_URL` is unset: email follow-ups are then skipped (`no_smtp`) with one warning at start.
 */
import { z } from 'zod';
import { LeadbotError } from '../../src/core/errors.ts';
import { type OutreachSettings, parseOutreachSettings } from '../../src/core/outreach/settings.ts';

export interface EmailConfig {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start). */
  smtpUrl: string;
  /** The From header: `Acme <hello@acme.example>` or a bare address. */
  from: string;
  /** The domain of the From address: the right-hand side of every Message-ID. */
  domain: string;
  /** Where leadbot's HTTP server is reachable from a mail client (the unsubscribe link's base). */
  publicUrl: string;
  /** Signs unsubscribe links; at least 16 characters. */
  unsubscribeSecret: string;
  /** An address receiving unsubscribe requests by mail (optional second `List-Unsubscribe` entry). */
  unsubscribeMailto: string | null;
  /** Quiet hours, contact limit and time zone of email (EMAIL_QUIET_HOURS, EMAIL_CONTACT_LIMIT, EMAIL_TIME_ZONE). */
  outreach: OutreachSettings;
}

/** Every variable the section reads (other `EMAIL_*` names are refused as typos). */
export const EMAIL_VARIABLES = [
  'SMTP_URL',
  'EMAIL_FROM',
  'EMAIL_PUBLIC_URL',
  'EMAIL_UNSUBSCRIBE_SECRET',
  'EMAIL_UNSUBSCRIBE_MAILTO',
  'EMAIL_QUIET_HOURS',
  'EMAIL_CONTACT_LIMIT',
  'EMAIL_TIME_ZONE',
] as const;

/** A plain address: what the flow's email step accepts too, kept deliberately simple. */
const ADDRESS =
  /^[^\s@<>"(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

const fromSchema = z
  .string()
  .trim()
  .transform((v) => ({ text: v, address: /<([^<>]+)>$/.exec(v)?.[1] ?? v }))
  .refine((f) => ADDRESS.test(f.address) && !/[\r\n]/.test(f.text), 'is not an address or Name <address>');

const FIXES: Record<string, string> = {
  SMTP_URL: 'use smtp://user:password@smtp.example.com:587 or smtps://user:password@smtp.example.com:465',
  EMAIL_FROM: 'use an address you may send from, e.g. "Acme <hello@acme.example>"',
  EMAIL_PUBLIC_URL: 'use the https address leadbot is reachable at, e.g. https://leadbot.acme.example',
  EMAIL_UNSUBSCRIBE_SECRET:
    'use a random string of 16 characters or more, e.g. from `openssl rand -base64 24`',
  EMAIL_UNSUBSCRIBE_MAILTO: 'use an address that receives unsubscribe requests, or leave it unset',
};

const schema = z.object({
  SMTP_URL: z
    .string()
    .trim()
    .regex(/^smtps?:\/\/[^\s/]+(:\d+)?\/?(\?\S*)?$/, 'is not an smtp:// or smtps:// URL'),
  EMAIL_FROM: fromSchema,
  EMAIL_PUBLIC_URL: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'is not an http(s) URL without query')
    .transform((u) => u.replace(/\/+$/, '')),
  EMAIL_UNSUBSCRIBE_SECRET: z.string().min(16, 'is shorter than 16 characters'),
  EMAIL_UNSUBSCRIBE_MAILTO: z.string().trim().regex(ADDRESS, 'is not an email address').optional(),
});

/**
 * Reads the email settings: null when `SMTP_URL` is unset (email follow-ups off).
 * @throws ConfigError naming the first bad or missing variable and the fix.
 */
export function parseEmailConfig(env: Record<string, string | undefined>): EmailConfig | null {
  const get = (n: string) => (env[n]?.trim() ? env[n] : undefined);
  if (!get('SMTP_URL')) return null;
  const input = Object.fromEntries(EMAIL_VARIABLES.map((n) => [n, get(n)]));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const problem = input[name] === undefined ? 'is required when SMTP_URL is set' : issue.message;
    // The value is not repeated: it may hold the SMTP password or the signing secret.
    throw new LeadbotError('CONFIG_INVALID', `${name} ${problem}`, {
      userMessage: `${name} ${problem} — ${FIXES[name] ?? 'fix it'}`,
    });
  }
  const d = parsed.data;
  return {
    smtpUrl: d.SMTP_URL,
    from: d.EMAIL_FROM.text,
    domain: d.EMAIL_FROM.address.split('@')[1]!.toLowerCase(),
    publicUrl: d.EMAIL_PUBLIC_URL,
    unsubscribeSecret: d.EMAIL_UNSUBSCRIBE_SECRET,
    unsubscribeMailto: d.EMAIL_UNSUBSCRIBE_MAILTO ?? null,
    outreach: parseOutreachSettings(env, 'EMAIL_'),
  };
}
