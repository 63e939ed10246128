/**
 * The Telegram {@link ProspectMessenger}: a rep's messages and the handoff's notices in the
 * prospect's private chat with the bot (the address's chat id; they started the bot, so it may
 * write to them). Plain text, no parse mode, mentions neutralised; split at 4,096.
 *
 * At-least-once across a crash, like the Telegram alert sink (alert-sink.ts): a bot cannot read
 * or search a chat, so a message sent just before the process died cannot be found by its key
 * and is sent again when the row is claimed after its lease. Within a process, retries never
 * send twice (the key → message map below).
 */
import type { Api } from 'grammy';
import { handoffWords } from '../../src/core/handoff/words.ts';
import { DeliveryError } from '../../src/core/outbox/delivery-error.ts';
import type { Logger, ProspectDelivery, ProspectMessenger } from '../../src/core/ports/index.ts';
import { splitToFit } from '../../src/core/text-fit.ts';
import { toDeliveryError } from './errors.ts';
import { neutralizeText, TELEGRAM_TEXT_LIMIT } from './outbound.ts';

export interface TelegramProspectMessengerOptions {
  /** The Bot API client (no auto-retry: the outbox dispatcher retries). */
  api: Api;
  logger: Logger;
}

/** Keys remembered per process (older ones are forgotten first). */
const REMEMBERED = 10_000;

/** A delivery as message texts (plain, neutralised, within 4,096 each). */
export function renderTelegramProspectMessage(message: ProspectDelivery['message']): string[] {
  const { prefix, text } = handoffWords(message);
  return splitToFit(`${prefix}${text}`, TELEGRAM_TEXT_LIMIT, neutralizeText);
}

/** Creates the messenger; errors are `DeliveryError`s for the outbox dispatcher. */
export function createTelegramProspectMessenger(opts: TelegramProspectMessengerOptions): ProspectMessenger {
  const log = opts.logger.child({ component: 'telegram-prospect-messenger' });
  const sent = new Map<string, string>();
  return {
    platform: 'telegram',
    async deliver(delivery, idempotencyKey) {
      const known = sent.get(idempotencyKey);
      if (known) return { externalRef: known };
      if (!/^-?\d+$/.test(delivery.to.channelId))
        throw new DeliveryError(`not a Telegram chat id: ${delivery.to.channelId}`, { permanent: true });
      const chatId = Number(delivery.to.channelId);
      let first: string | undefined;
      try {
        for (const text of renderTelegramProspectMessage(delivery.message)) {
          const m = await opts.api.sendMessage(chatId, text, { link_preview_options: { is_disabled: true } });
          first ??= `${m.chat.id}:${m.message_id}`;
        }
      } catch (err) {
        throw toDeliveryError(err, 'sending a handoff message');
      }
      const externalRef = first ?? '';
      sent.set(idempotencyKey, externalRef);
      if (sent.size > REMEMBERED) sent.delete(sent.keys().next().value as string);
      log.info({ leadId: delivery.leadId, kind: delivery.message.kind, externalRef }, 'handoff message sent');
      return { externalRef };
    },
  };
}
