/**
 * The Discord {@link ProspectMessenger}: a rep's messages and the handoff's notices in the
 * prospect's DM with the bot (`POST /users/@me/channels`, then the message), in the same words
 * as on every platform (src/core/handoff/words.ts), escaped, split at 2,000 characters, with no
 * mentions allowed.
 *
 * Deduplicated by the `nonce` made from the key with `enforce_nonce`: Discord returns the
 * earlier message for a retry within a few minutes, and the outbox lease (60 s) brings a
 * delivery that crashed before being marked back well within that. A DM has no place for a
 * hidden key (the prospect reads "Ana (sales): text", nothing else), and searching the DM for
 * the same text was rejected: a rep who writes "ok" twice would have the second one dropped in
 * normal operation. A retry later than Discord's window may repeat the message (README).
 */
import { type APIMessage, type REST, type RESTPostAPIChannelMessageJSONBody, Routes } from 'discord.js';
import { handoffWords } from '../../src/core/handoff/words.ts';
import type { ProspectDelivery, ProspectMessenger } from '../../src/core/ports/index.ts';
import { splitToFit } from '../../src/core/text-fit.ts';
import { toDeliveryError } from './errors.ts';
import { escapeText, LIMITS } from './outbound.ts';
import { nonceOf } from './sales-thread.ts';

/** A delivery as DM messages: the rep's name in bold before their words, split within 2,000. */
export function renderDiscordProspectMessage(
  message: ProspectDelivery['message'],
  key: string,
): RESTPostAPIChannelMessageJSONBody[] {
  const words = handoffWords(message);
  const prefix = words.prefix ? `**${escapeText(words.prefix.replace(/: $/, ''))}**: ` : '';
  return splitToFit(words.text, LIMITS.content - prefix.length, escapeText).map((piece, i) => ({
    content: i === 0 ? `${prefix}${piece}` : piece,
    nonce: nonceOf(key, i),
    enforce_nonce: true,
    allowed_mentions: { parse: [] },
  }));
}

/** Creates the messenger; errors are `DeliveryError`s for the outbox dispatcher. */
export function createDiscordProspectMessenger(opts: { rest: REST }): ProspectMessenger {
  return {
    platform: 'discord',
    async deliver(delivery, key) {
      let what = 'open the DM';
      try {
        const dm = (await opts.rest.post(Routes.userChannels(), {
          body: { recipient_id: delivery.to.userId },
        })) as { id: string };
        what = 'send a DM';
        let first: string | undefined;
        for (const body of renderDiscordProspectMessage(delivery.message, key)) {
          const posted = (await opts.rest.post(Routes.channelMessages(dm.id), { body })) as APIMessage;
          first ??= posted.id;
        }
        return { externalRef: first ?? '' };
      } catch (err) {
        throw toDeliveryError(
          err,
          what,
          'The prospect may have closed their DMs or left the server; the transcript keeps the message.',
        );
      }
    },
  };
}
