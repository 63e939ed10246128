/**
 * Telegram's connect-a-platform tools (src/app/platform-tools.ts): the send limits a flow is
 * checked against, `leadbot setup telegram` (the BotFather steps, and with `--apply` the command
 * list through setMyCommands) and `leadbot doctor`'s checks (getMe, getWebhookInfo,
 * getChatMember). Plain `fetch` against the Bot API: no SDK is loaded for these commands.
 */

import type { SendLimits } from '../../src/core/flow/sendable.ts';
import type { DoctorCheck, DoctorDeps, SetupOptions } from '../shared/platform-tools.ts';
import type { TelegramAdapterConfig } from './config.ts';
import { LEADBOT_COMMAND } from './manager-input.ts';

/** Where the app serves Telegram's webhook calls (index.ts mounts it there). */
const WEBHOOK_PATH = '/telegram/webhook';
const DEFAULT_API_ROOT = 'https://api.telegram.org';

/**
 * Nothing a flow can author breaks a Telegram send: long texts are split at 4,096 characters
 * (outbound.ts), values that do not fit callback_data travel as short ids (callback-data.ts), and
 * button labels have no documented limit (long ones are shown shortened, never refused).
 */
export const TELEGRAM_SEND_LIMITS: SendLimits = { platform: 'Telegram' };

/** The command list shown in Telegram's menu (BotCommand: 1–32 lowercase chars, description 1–256). */
export const TELEGRAM_COMMANDS = [
  { command: 'start', description: 'Start (or resume) the questions' },
  { command: 'restart', description: 'Start the questions over' },
  { command: 'stop', description: 'Stop the questions' },
  { command: LEADBOT_COMMAND, description: 'Manager commands: /leadbot help' },
] as const;

interface BotApiAnswer<T> {
  ok: boolean;
  result?: T;
  error_code?: number;
  description?: string;
}

/** Calls one Bot API method; the answer as Telegram gave it (ok or not), or a network error thrown. */
async function call<T>(
  token: string,
  apiRoot: string | undefined,
  method: string,
  body: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<BotApiAnswer<T>> {
  const res = await fetch(`${apiRoot ?? DEFAULT_API_ROOT}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return (await res.json()) as BotApiAnswer<T>;
}

/** `leadbot setup telegram`: the BotFather steps; `--apply` sets the command list. */
export async function telegramSetup(opts: Pick<SetupOptions, 'url' | 'apply' | 'env'>): Promise<string> {
  const commands = TELEGRAM_COMMANDS.map((c) => `   ${c.command} - ${c.description}`);
  const webhook = opts.url
    ? [
        `6. Webhook (your public URL): TELEGRAM_WEBHOOK_URL=${opts.url}${WEBHOOK_PATH}`,
        '   and TELEGRAM_WEBHOOK_SECRET=<32+ random characters>; leadbot registers it at start.',
      ]
    : [
        '6. Long polling is the default (no public URL needed). For a webhook run',
        '   `leadbot setup telegram --url https://your.host` to see its variables.',
      ];
  const lines = [
    'Connect Telegram',
    '1. Open @BotFather in Telegram, send /newbot, pick a name and a username ending in "bot".',
    '   Put the token it gives you in TELEGRAM_BOT_TOKEN.',
    '2. Privacy mode: with it on (the default) the bot sees only commands, mentions and replies in',
    '   groups, so intent offers (TELEGRAM_INTENT_KEYWORDS) see nothing — the handoff needs no more:',
    '   a rep replies to the alert (a reply to the bot) and `/leadbot close` is a command. For offers: /setprivacy,',
    '   pick the bot, Disable; then remove the bot from each group and add it again (Telegram',
    '   applies the change on joining).',
    '3. Groups: /setjoingroups, pick the bot, Enable (to add it to your community and sales groups).',
    '4. Commands menu: /setcommands, pick the bot, and paste:',
    ...commands,
    '   (or run `leadbot setup telegram --apply`, which sets it with TELEGRAM_BOT_TOKEN).',
    "5. Sales alerts: add the bot to the sales group and set TELEGRAM_SALES_CHAT_ID to the group's id",
    '   (a negative number, e.g. -1001234567890). After Claim, a reply to the alert reaches the lead in',
    '   their private chat and their answers come back as replies to it; `/leadbot close` in reply ends it.',
    '   Managers: TELEGRAM_MANAGERS=<user ids> or',
    '   TELEGRAM_MANAGER_CHAT_ID=<group whose admins manage>.',
    ...webhook,
    '7. Check it all: `leadbot doctor`.',
  ];
  if (opts.apply) {
    const token = opts.env.TELEGRAM_BOT_TOKEN?.trim();
    if (!token) throw new Error('--apply needs TELEGRAM_BOT_TOKEN: set it to the token from @BotFather');
    const r = await call<boolean>(token, opts.env.TELEGRAM_API_ROOT?.trim() || undefined, 'setMyCommands', {
      commands: TELEGRAM_COMMANDS,
    });
    if (!r.ok) throw new Error(`Telegram refused setMyCommands: ${r.description ?? r.error_code}`);
    lines.push(
      '',
      `Applied: the command list (${TELEGRAM_COMMANDS.map((c) => `/${c.command}`).join(', ')}) is set.`,
    );
  }
  return lines.join('\n');
}

interface WebhookInfo {
  url: string;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
}

/** `leadbot doctor`: token, webhook state against the configured mode, the bot in the sales chat. */
export async function telegramDoctor(
  config: TelegramAdapterConfig,
  deps: Pick<DoctorDeps, 'signal'>,
): Promise<DoctorCheck[]> {
  const api = <T>(method: string, body: Record<string, unknown> = {}) =>
    call<T>(config.token, config.apiRoot, method, body, deps.signal);
  const checks: DoctorCheck[] = [];
  const me = await api<{ id: number; username: string; can_read_all_group_messages?: boolean }>('getMe');
  if (!me.ok || !me.result) {
    checks.push({
      check: 'Telegram token',
      ok: false,
      detail: me.description ?? `error ${me.error_code}`,
      fix: 'set TELEGRAM_BOT_TOKEN to the token @BotFather gave (/token to see it again)',
    });
    return checks; // nothing else can be asked without a valid token
  }
  const bot = me.result;
  checks.push({ check: 'Telegram token', ok: true, detail: `@${bot.username} (id ${bot.id})` });
  checks.push(webhookCheck(config, await api<WebhookInfo>('getWebhookInfo')));
  if (config.salesChatId) {
    const chatId = /^-?\d+$/.test(config.salesChatId) ? Number(config.salesChatId) : config.salesChatId;
    const m = await api<{ status: string }>('getChatMember', { chat_id: chatId, user_id: bot.id });
    const status = m.result?.status;
    const inChat = status === 'member' || status === 'administrator' || status === 'creator';
    checks.push({
      check: 'Telegram sales chat',
      ok: m.ok && inChat,
      detail: m.ok ? `bot is ${status} of ${config.salesChatId}` : `${config.salesChatId}: ${m.description}`,
      fix: `add @${bot.username} to the sales group, then check TELEGRAM_SALES_CHAT_ID (the group's id, e.g. -1001234567890)`,
    });
  }
  return checks;
}

function webhookCheck(config: TelegramAdapterConfig, info: BotApiAnswer<WebhookInfo>): DoctorCheck {
  const check = 'Telegram webhook';
  if (!info.ok || !info.result)
    return { check, ok: false, detail: info.description ?? 'no answer', fix: 'check TELEGRAM_BOT_TOKEN' };
  const w = info.result;
  const pending = `${w.pending_update_count} update(s) pending`;
  const lastError = w.last_error_message ? `; last error: ${w.last_error_message}` : '';
  if (config.mode === 'polling') {
    // A webhook left behind makes getUpdates a 409; start deletes it, but says so here first.
    if (w.url)
      return {
        check,
        ok: false,
        detail: `a webhook is set (${w.url}) but leadbot polls`,
        fix: 'leadbot start removes it; or set TELEGRAM_WEBHOOK_URL to use the webhook',
      };
    return { check, ok: true, detail: `none (long polling), ${pending}` };
  }
  if (w.url !== config.webhookUrl)
    return {
      check,
      ok: false,
      detail: w.url
        ? `set to ${w.url}, configured ${config.webhookUrl}`
        : `not set, configured ${config.webhookUrl}`,
      fix: 'run leadbot start (it registers TELEGRAM_WEBHOOK_URL), or correct TELEGRAM_WEBHOOK_URL',
    };
  return {
    check,
    ok: !w.last_error_message,
    detail: `${w.url}, ${pending}${lastError}`,
    fix: `Telegram cannot deliver to ${w.url}: check that it is reachable over https from the internet and that leadbot runs`,
  };
}
