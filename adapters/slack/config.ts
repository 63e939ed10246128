/**
 * Slack adapter configuration: one zod schema, read once by the composition root.
 * Nothing below this file reads `process.env`.
 */
import { z } from 'zod';
import { LeadbotError } from '../../src/core/errors.ts';
import {
  OUTREACH_SUFFIXES,
  type OutreachSettings,
  parseOutreachSettings,
} from '../../src/core/outreach/settings.ts';

const slackId = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^[A-Z0-9]{2,}$/, `must be a Slack ${what} id such as C0123ABCD`);

const slackConfigFields = z.object({
  // A bot token: events, Block Kit posts and the sales channel act as the app's bot user. A user
  // token (xoxp-) would post as a person and is refused.
  botToken: z
    .string()
    .trim()
    .regex(/^xoxb-/, 'must be a bot token starting with xoxb-'),
  // Verifies HTTP requests. Not needed in Socket Mode: its envelopes come over a connection the
  // app opened with its app-level token, and Slack does not sign them.
  signingSecret: z.string().trim().min(8, 'must be the signing secret from Basic Information').optional(),
  /** Socket Mode when set (app-level token, `xapp-`). */
  appToken: z
    .string()
    .trim()
    .regex(/^xapp-/, 'must be an app-level token starting with xapp-')
    .optional(),
  /** Where sales alerts go; alerts are disabled when absent. */
  salesChannel: slackId('channel').optional(),
  /** Round-robin owners for new SQLs (user ids). Empty: no automatic assignment. */
  salesReps: z.array(slackId('user')).default([]),
  /**
   * Who the second reminder of an unclaimed alert names (ALERT_ESCALATE_AFTER): a manager's user
   * id (`U…`/`W…`) or a user group (`S…`, mentioned as a group).
   */
  salesEscalateTo: z
    .string()
    .trim()
    .regex(/^[UWS][A-Z0-9]{2,}$/, 'must be a Slack user id (U…) or user group id (S…)')
    .optional(),
  /** Web API base, ending with `/` (tests point it at a loopback fake). */
  apiUrl: z.url().default('https://slack.com/api/'),
  /** Bot identity; when given, bolt skips its `auth.test` call at start. */
  botId: z.string().optional(),
  botUserId: z.string().optional(),
  /** Community managers allowed to run `/leadbot <sub>` (user ids). */
  managers: z.array(slackId('user')).optional(),
  /** Or a user group (`S…`) whose members are managers. */
  managerGroup: slackId('user group').optional(),
  /** Intent keywords, contact limits, quiet hours (see src/core/outreach/settings.ts); defaults when absent. */
  outreach: z.custom<OutreachSettings>().optional(),
});

/** The Slack configuration; HTTP mode (no `appToken`) needs the signing secret. */
export const slackConfigSchema = slackConfigFields.refine(
  (c) => c.appToken !== undefined || c.signingSecret !== undefined,
  {
    path: ['signingSecret'],
    message: 'must be the signing secret from Basic Information (or set SLACK_APP_TOKEN for Socket Mode)',
  },
);

export type SlackAdapterConfig = z.infer<typeof slackConfigSchema>;

const ENV_NAMES: Record<string, string> = {
  botToken: 'SLACK_BOT_TOKEN',
  signingSecret: 'SLACK_SIGNING_SECRET',
  appToken: 'SLACK_APP_TOKEN',
  salesChannel: 'SLACK_SALES_CHANNEL',
  salesReps: 'SLACK_SALES_REPS',
  salesEscalateTo: 'SLACK_SALES_ESCALATE_TO',
  apiUrl: 'SLACK_API_URL',
  botId: 'SLACK_BOT_ID',
  botUserId: 'SLACK_BOT_USER_ID',
  managers: 'SLACK_MANAGERS',
  managerGroup: 'SLACK_MANAGER_GROUP',
};

/** Every variable the Slack adapter reads (the app refuses misspelt `SLACK_*` names). */
export const SLACK_VARIABLES: readonly string[] = [
  ...Object.values(ENV_NAMES),
  ...OUTREACH_SUFFIXES.map((s) => `SLACK_${s}`),
];

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);

/**
 * Reads the Slack variables. Returns null when `SLACK_BOT_TOKEN` is absent (adapter disabled).
 * @throws LeadbotError CONFIG_INVALID naming the variable and what to put there.
 */
export function parseSlackConfig(env: Record<string, string | undefined>): SlackAdapterConfig | null {
  const botToken = blank(env.SLACK_BOT_TOKEN);
  if (botToken === undefined) return null;
  const apiUrl = blank(env.SLACK_API_URL);
  const input = {
    botToken,
    signingSecret: blank(env.SLACK_SIGNING_SECRET),
    appToken: blank(env.SLACK_APP_TOKEN),
    salesChannel: blank(env.SLACK_SALES_CHANNEL),
    salesReps: (env.SLACK_SALES_REPS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    salesEscalateTo: blank(env.SLACK_SALES_ESCALATE_TO),
    apiUrl: apiUrl === undefined ? undefined : apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
    botId: blank(env.SLACK_BOT_ID),
    botUserId: blank(env.SLACK_BOT_USER_ID),
    managers: (env.SLACK_MANAGERS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    managerGroup: blank(env.SLACK_MANAGER_GROUP),
    outreach: parseOutreachSettings(env, 'SLACK_'),
  };
  const parsed = slackConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = String(issue.path[0] ?? 'botToken');
  const variable = ENV_NAMES[key] ?? key;
  throw new LeadbotError('CONFIG_INVALID', `${variable} ${issue.message}`, {
    userMessage: `${variable} is invalid: ${issue.message}. Fix it in the environment (see .env.example) and restart.`,
  });
}
