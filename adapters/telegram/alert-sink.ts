/**
 * Sales alerts posted to a Telegram chat (`TELEGRAM_SALES_CHAT_ID`). Plain text, no parse mode,
 * mentions neutralised: lead answers are user text and must not format, link or ping.
 *
 * Delivery guarantee — weaker than Slack's and Discord's, and not fixable from here: the Bot API
 * gives bots no way to read a chat's history or search it (no `getChatHistory`, no
 * `searchMessages`; a bot only sees messages as updates, and its own sent messages not even
 * then), so a message posted before a crash cannot be found again by its idempotency key.
 * The key → message map below lives in memory: retries inside one process never post twice,
 * but if the process dies between `sendMessage` and the outbox marking the row delivered, the
 * row is claimed again after its lease and the alert is posted a second time. So on Telegram
 * alerts are at-least-once after such a crash, exactly-once otherwise. Teams that need
 * exactly-once across crashes should set `SALES_ALERTS` to slack or discord.
 */
import { Api } from 'grammy';
import type { AlertSink, Logger } from '../../src/core/ports/index.ts';
import { alertKeyboard, renderTelegramAlert } from './alert-render.ts';
import { toDeliveryError } from './errors.ts';

export interface TelegramAlertSinkConfig {
  token: string;
  apiRoot?: string;
  salesChatId: string;
}

/** Creates the sink; nothing is sent before the first `deliver`. */
export function createTelegramAlertSink(
  config: TelegramAlertSinkConfig,
  deps: { logger: Logger },
): AlertSink {
  // No answer within 30 s is a failed delivery the outbox retries (grammY would wait 500 s).
  const api = new Api(config.token, {
    timeoutSeconds: 30,
    ...(config.apiRoot ? { apiRoot: config.apiRoot } : {}),
  });
  const posted = new Map<string, string>();
  const log = deps.logger.child({ sink: 'telegram' });
  const chatId = /^-?\d+$/.test(config.salesChatId) ? Number(config.salesChatId) : config.salesChatId;

  return {
    name: 'telegram',
    async deliver(alert, idempotencyKey) {
      const known = posted.get(idempotencyKey);
      if (known) return { externalRef: known };
      try {
        const message = await api.sendMessage(chatId, renderTelegramAlert(alert), {
          link_preview_options: { is_disabled: true },
          reply_markup: alertKeyboard(alert.leadId),
        });
        const externalRef = `${message.chat.id}:${message.message_id}`;
        posted.set(idempotencyKey, externalRef);
        log.info({ leadId: alert.leadId, externalRef }, 'sales alert posted');
        return { externalRef };
      } catch (err) {
        throw toDeliveryError(err, 'posting sales alert');
      }
    },
  };
}
