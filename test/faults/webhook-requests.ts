/**
 * Requests as Slack and Telegram send them to a running `leadbot start`: signed Slack Events
 * API posts and Telegram webhook updates with the secret header, for the fault tests.
 */
import { createHmac } from 'node:crypto';
import { FAKE_TOKEN } from '../fakes/telegram-api.ts';

/** What test/scale/cluster.ts's `startBot` sets as SLACK_SIGNING_SECRET. */
export const SLACK_SECRET = 'test-signing-secret';
export const TELEGRAM_SECRET = 'fault-test-webhook-secret_0123456789';

/** Variables that turn on the Telegram webhook against the fake Bot API. */
export function telegramWebhookEnv(apiRoot: string): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
  };
}

/** POSTs `body` to `/slack/events`, signed as Slack signs it; returns the status. */
export async function postSlack(
  base: string,
  body: string,
  contentType = 'application/json',
): Promise<number> {
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SLACK_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  const res = await fetch(`${base}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** An Events API envelope carrying a DM from `user`. */
export function slackDm(team: string, user: string, text: string, eventId: string): string {
  const ts = `${Math.floor(Date.now() / 1000)}.${eventId.slice(-6).padStart(6, '0')}`;
  return JSON.stringify({
    type: 'event_callback',
    team_id: team,
    api_app_id: 'A1',
    event_id: eventId,
    event: { type: 'message', channel: `D${user}`, channel_type: 'im', user, text, ts, event_ts: ts, team },
  });
}

/** POSTs `body` to `/telegram/webhook` with the secret header; returns the status. */
export async function postTelegram(base: string, body: string, secret = TELEGRAM_SECRET): Promise<number> {
  const res = await fetch(`${base}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** A private-chat text update (a bot command when `text` starts with /). */
export function telegramText(updateId: number, userId: number, text: string): string {
  const command = text.startsWith('/')
    ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] }
    : {};
  return JSON.stringify({
    update_id: updateId,
    message: {
      message_id: updateId,
      from: { id: userId, is_bot: false, first_name: 'Pat' },
      chat: { id: userId, type: 'private', first_name: 'Pat' },
      date: Math.floor(Date.now() / 1000),
      text,
      ...command,
    },
  });
}
