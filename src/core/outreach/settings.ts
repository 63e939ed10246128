/**
 * How a community wants its members approached: intent patterns, cooldowns, contact limits
 * and quiet hours. Each adapter reads the same variables under its own prefix
 * (`SLACK_QUIET_HOURS`, `DISCORD_QUIET_HOURS`, …) with {@link parseOutreachSettings}.
 */
import { z } from 'zod';
import { DAY_UNITS, durationMs, durationSchema } from '../duration.ts';
import { LeadbotError } from '../errors.ts';

export interface OutreachSettings {
  /** A public message matching one of these is an intent signal. */
  intentPatterns: RegExp[];
  /** No second offer to the same person within this time. */
  personCooldownMs: number;
  /** No second offer in the same channel within this time. */
  channelCooldownMs: number;
  /** At most `max` bot-initiated messages per person per `periodMs`, across platforms. */
  contactLimit: { max: number; periodMs: number };
  /** Minutes of the day [start, end) in `timeZone` when the bot approaches nobody; null for none. */
  quietHours: { start: number; end: number } | null;
  timeZone: string;
}

export const DEFAULT_INTENT_KEYWORDS = ['pricing', 'price', 'demo', 'quote', 'enterprise'];

/** The variable suffixes read under each adapter's prefix. */
export const OUTREACH_SUFFIXES = [
  'INTENT_KEYWORDS',
  'CONTACT_LIMIT',
  'QUIET_HOURS',
  'TIME_ZONE',
  'PERSON_COOLDOWN',
  'CHANNEL_COOLDOWN',
] as const;

const duration = durationSchema(DAY_UNITS);
const DAY_MS = durationMs('1d')!;
const MINUTE_MS = durationMs('1m')!;

const clock = (s: string) => {
  const [h, m] = s.split(':').map(Number);
  return h! * 60 + m!;
};

const schema = z.object({
  INTENT_KEYWORDS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      const words = (s ?? DEFAULT_INTENT_KEYWORDS.join(','))
        .split(',')
        .map((w) => w.trim())
        .filter((w) => w !== '');
      try {
        return words.map((w) =>
          w.length > 2 && w.startsWith('/') && w.endsWith('/')
            ? new RegExp(w.slice(1, -1), 'iu')
            : new RegExp(
                `(?<![\\p{L}\\p{N}])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`,
                'iu',
              ),
        );
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `invalid pattern: ${(err as Error).message}` });
        return z.NEVER;
      }
    }),
  CONTACT_LIMIT: z
    .string()
    .trim()
    .regex(/^\d+\/\d+[mhd]$/, 'expected messages/period such as 3/7d')
    .optional()
    .transform((s) => {
      const [max, period] = (s ?? '3/7d').split('/');
      return { max: Number(max), periodMs: durationMs(period!)! };
    }),
  QUIET_HOURS: z
    .string()
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM-HH:MM such as 22:00-08:00')
    .optional()
    .transform((s) => (s ? { start: clock(s.split('-')[0]!), end: clock(s.split('-')[1]!) } : null)),
  TIME_ZONE: z
    .string()
    .trim()
    .optional()
    .refine((tz) => tz === undefined || isTimeZone(tz), 'expected an IANA time zone such as Europe/Paris')
    .transform((tz) => tz ?? 'UTC'),
  PERSON_COOLDOWN: duration.optional().transform((v) => v ?? 7 * DAY_MS),
  CHANNEL_COOLDOWN: duration.optional().transform((v) => v ?? 10 * MINUTE_MS),
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Defaults: default keywords, 3 contacts per 7 days, no quiet hours, UTC, 7 d / 10 min cooldowns. */
export function defaultOutreachSettings(): OutreachSettings {
  return parseOutreachSettings({}, 'X_');
}

/**
 * Reads `${prefix}INTENT_KEYWORDS` (comma-separated words, or `/regex/`), `${prefix}CONTACT_LIMIT`
 * (`3/7d`), `${prefix}QUIET_HOURS` (`22:00-08:00`), `${prefix}TIME_ZONE`, `${prefix}PERSON_COOLDOWN`
 * and `${prefix}CHANNEL_COOLDOWN` (`30m`, `12h`, `7d`).
 * @throws LeadbotError CONFIG_INVALID naming the variable and the expected form.
 */
export function parseOutreachSettings(
  env: Record<string, string | undefined>,
  prefix: string,
): OutreachSettings {
  const input: Record<string, string | undefined> = {};
  for (const s of OUTREACH_SUFFIXES) {
    const v = env[`${prefix}${s}`];
    input[s] = v === undefined || v.trim() === '' ? undefined : v;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = `${prefix}${String(issue.path[0] ?? '')}`;
    throw new LeadbotError('CONFIG_INVALID', `${variable}: ${issue.message}`, {
      userMessage: `${variable} is invalid: ${issue.message}. Fix it in the environment and restart.`,
    });
  }
  const d = parsed.data;
  return {
    intentPatterns: d.INTENT_KEYWORDS,
    personCooldownMs: d.PERSON_COOLDOWN,
    channelCooldownMs: d.CHANNEL_COOLDOWN,
    contactLimit: d.CONTACT_LIMIT,
    quietHours: d.QUIET_HOURS,
    timeZone: d.TIME_ZONE,
  };
}
