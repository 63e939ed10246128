/**
 * Slack's platform tools (src/app/platform-tools.ts): the limits a flow's text can exceed, the
 * app manifest `leadbot setup slack` prints, and the checks of `leadbot doctor`. Loaded with the
 * adapter registry at every start, so no SDK here: the doctor talks to the Web API with `fetch`.
 * The shapes (`SetupOptions`, `DoctorCheck`) are the ones of adapters/shared/platform-tools.ts,
 * which the app re-exports.
 */
import { LeadbotError } from '../../src/core/errors.ts';
import type { SendLimits } from '../../src/core/flow/sendable.ts';
import type { DoctorCheck, SetupOptions } from '../shared/platform-tools.ts';
import type { SlackAdapterConfig } from './config.ts';

/** Where Slack posts events, interactivity and the slash command (index.ts `SLACK_EVENTS_PATH`). */
const EVENTS_PATH = '/slack/events';

/**
 * The bot scopes the adapter uses, each for what (https://docs.slack.dev/reference/scopes).
 * A missing one fails only when its feature is used, hence the doctor's check.
 */
export const SLACK_BOT_SCOPES: Record<string, string> = {
  'app_mentions:read': 'mentions of the bot in channels',
  'channels:history':
    "intent signals in public channels; reps' replies in alert threads (message.channels); finding an alert or a thread post already made",
  'channels:read': 'doctor: is the bot in the sales channel',
  'chat:write': 'questions, answers, alerts, ephemeral offers',
  commands: 'the /leadbot slash command',
  'files:write': 'CSV exports',
  'groups:history': "intent signals and alerts in private channels; reps' replies in their alert threads",
  'groups:read': 'doctor: private sales channels',
  'im:history': 'direct messages to the bot; finding a handoff message already sent to a prospect',
  'im:write': 'opening the DM a conversation continues in',
  'team:read': "who the lead is: the workspace's name on the lead's source (team.info)",
  'usergroups:read': 'managers given as a user group (SLACK_MANAGER_GROUP)',
  'users:read':
    "who the lead is: a prospect's real and display name (users.info); the rep's name on a relayed message",
};

/**
 * The events the adapter listens to (https://docs.slack.dev/reference/events): `message.channels`
 * and `message.groups` also carry the reps' replies in an alert's thread (public or private
 * sales channel), which the handoff relays to the lead.
 */
export const SLACK_BOT_EVENTS = ['app_mention', 'message.channels', 'message.groups', 'message.im'];

/**
 * Limits a flow's authored text can exceed on Slack. Long texts are split and long option
 * lists become menus by the renderer (outbound.ts), so only what it cannot fix is listed:
 * labels (buttons and options hold 75 characters), option values (150 in a checkbox group or a
 * menu; refused at load rather than cut, since a cut value no longer matches its option) and
 * 100 options, the largest menu (https://docs.slack.dev/reference/block-kit/composition-objects/option-object,
 * …/block-elements/select-menu-element).
 */
export const SLACK_SEND_LIMITS: SendLimits = {
  platform: 'Slack',
  optionLabel: 75,
  optionValue: 150,
  options: 100,
  multiOptions: 100,
};

/** The app manifest (https://docs.slack.dev/reference/app-manifest) for `base` or Socket Mode. */
export function slackManifest(opts: { url?: string; socket?: boolean }): Record<string, unknown> {
  const url = opts.socket ? undefined : `${opts.url}${EVENTS_PATH}`;
  const at = url ? { url } : {};
  return {
    display_information: {
      name: 'leadbot',
      description: 'Qualifies leads in conversation and alerts sales',
    },
    features: {
      bot_user: { display_name: 'leadbot', always_online: true },
      app_home: { messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      slash_commands: [
        {
          command: '/leadbot',
          ...at,
          description: 'Start qualification, or a manager command (stats, leads, qualify …)',
          usage_hint: '[start | stop | restart | help]',
          // Mentions arrive as <@U…> (manager-input.ts reads members that way).
          should_escape: true,
        },
      ],
    },
    oauth_config: { scopes: { bot: Object.keys(SLACK_BOT_SCOPES) } },
    settings: {
      event_subscriptions: { ...(url ? { request_url: url } : {}), bot_events: SLACK_BOT_EVENTS },
      interactivity: { is_enabled: true, ...(url ? { request_url: url } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: opts.socket === true,
      token_rotation_enabled: false,
    },
  };
}

async function setup(opts: Pick<SetupOptions, 'url' | 'socket' | 'format'>): Promise<string> {
  if (!opts.socket && !opts.url)
    throw new LeadbotError(
      'CONFIG_INVALID',
      'leadbot setup slack needs --url https://<your public host> (Slack posts events there) or --socket (Socket Mode, no public URL)',
    );
  const manifest = slackManifest(opts);
  if (opts.format === 'json') return JSON.stringify(manifest, null, 2);
  const { stringify } = await import('yaml');
  return stringify(manifest);
}

/** One Web API call: its JSON and the token's scopes (`x-oauth-scopes`). */
async function call(
  config: SlackAdapterConfig,
  method: string,
  args: Record<string, string>,
  signal: AbortSignal,
  token = config.botToken,
): Promise<{ body: { ok?: boolean; error?: string } & Record<string, unknown>; scopes: string[] | null }> {
  const res = await fetch(`${config.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(args).toString(),
    signal,
  });
  const header = res.headers.get('x-oauth-scopes');
  const body = (await res.json()) as { ok?: boolean; error?: string } & Record<string, unknown>;
  return {
    body,
    scopes:
      header === null
        ? null
        : header
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
  };
}

/** `leadbot doctor` for Slack: token, scopes, sales channel membership — each problem with its fix. */
async function doctor(config: SlackAdapterConfig, deps: { signal: AbortSignal }): Promise<DoctorCheck[]> {
  const auth = await call(config, 'auth.test', {}, deps.signal);
  if (!auth.body.ok)
    return [
      {
        check: 'Slack token',
        ok: false,
        detail: `auth.test: ${auth.body.error ?? 'refused'}`,
        fix: 'set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) under OAuth & Permissions; reinstall the app if it was revoked',
      },
    ];
  const checks: DoctorCheck[] = [
    {
      check: 'Slack token',
      ok: true,
      detail: `${String(auth.body.team ?? auth.body.team_id ?? 'workspace')} as bot user ${String(auth.body.user_id ?? '?')}`,
    },
  ];
  const granted = new Set(auth.scopes ?? []);
  const missing = Object.keys(SLACK_BOT_SCOPES).filter((s) => !granted.has(s));
  checks.push({
    check: 'Slack scopes',
    ok: missing.length === 0,
    detail:
      missing.length === 0
        ? `all ${granted.size} granted`
        : `missing ${missing.map((s) => `${s} (${SLACK_BOT_SCOPES[s]})`).join(', ')}`,
    fix: 'add the missing bot scopes (leadbot setup slack prints the whole manifest) and reinstall the app to the workspace',
  });
  if (config.appToken) {
    // Socket Mode: the app-level token must open a connection (the URL it returns is unused).
    const open = await call(config, 'apps.connections.open', {}, deps.signal, config.appToken);
    checks.push({
      check: 'Slack Socket Mode',
      ok: open.body.ok === true,
      detail: open.body.ok
        ? 'apps.connections.open gives a WebSocket URL'
        : `apps.connections.open: ${open.body.error ?? 'refused'}`,
      fix: 'set SLACK_APP_TOKEN to an app-level token (xapp-…) with connections:write (Basic Information → App-Level Tokens), and turn Socket Mode on',
    });
  }
  if (config.salesChannel) {
    const channel = config.salesChannel;
    const info = await call(config, 'conversations.info', { channel }, deps.signal);
    const member =
      info.body.ok === true && (info.body.channel as { is_member?: boolean } | undefined)?.is_member === true;
    checks.push({
      check: 'Slack sales channel',
      ok: member,
      detail: member
        ? `bot is a member of ${channel}`
        : info.body.ok
          ? `bot is not a member of ${channel}: alerts would fail with not_in_channel`
          : `conversations.info ${channel}: ${info.body.error ?? 'refused'}`,
      fix: info.body.ok
        ? `in Slack, open ${channel} and type /invite @leadbot`
        : 'check SLACK_SALES_CHANNEL (the channel id, C…, from the channel details); invite the bot first to a private channel',
    });
  }
  return checks;
}

/** The tools of Slack's registry entry (src/app/adapters.ts). */
export const slackTools = {
  sendLimits: SLACK_SEND_LIMITS,
  setup,
  doctor,
} as const;
