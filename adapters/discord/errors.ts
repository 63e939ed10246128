/**
 * discord.js errors → `LeadbotError('PLATFORM_ERROR')`, in one place. discord.js throws
 * `DiscordAPIError` (Discord answered with an error code), `HTTPError` (no usable answer),
 * `RateLimitError` (only when told to reject instead of waiting; by default discord.js waits
 * out 429s itself) and gateway errors at login.
 */
import { DiscordAPIError, HTTPError, type Interaction, RateLimitError, RESTJSONErrorCodes } from 'discord.js';
import { isLeadbotError, LeadbotError } from '../../src/core/errors.ts';
import { DeliveryError } from '../../src/core/outbox/delivery-error.ts';
import type { Logger } from '../../src/core/ports/index.ts';
import type { PlatformEndpoint } from '../shared/startup.ts';
import { renderNotice } from './outbound.ts';

/** Discord's code when a person does not accept DMs from the bot (server privacy settings). */
export const DM_CLOSED = RESTJSONErrorCodes.CannotSendMessagesToThisUser;

/** True when Discord refused a DM because the person's DMs are closed (error 50007). */
export function isDmClosed(err: unknown): boolean {
  const cause = isLeadbotError(err) ? err.cause : err;
  return cause instanceof DiscordAPIError && cause.code === DM_CLOSED;
}

/** The Discord error code of a translated or raw error, if Discord gave one. */
export function discordCode(err: unknown): number | string | undefined {
  const cause = isLeadbotError(err) ? err.cause : err;
  return cause instanceof DiscordAPIError ? cause.code : undefined;
}

/** Wraps any error thrown by discord.js while doing `what` (e.g. "send a DM"). */
export function toPlatformError(err: unknown, what: string): LeadbotError {
  if (isLeadbotError(err)) return err;
  if (err instanceof DiscordAPIError) {
    const hint =
      err.status === 401
        ? 'check DISCORD_TOKEN (Developer Portal → Bot → Reset Token)'
        : err.status === 403
          ? 'check the bot’s permissions in this server or channel'
          : 'see the Discord error code in the log';
    return new LeadbotError('PLATFORM_ERROR', `Discord refused to ${what}: ${err.code} ${err.message}`, {
      userMessage: `Discord refused to ${what} (${err.code}); ${hint}.`,
      cause: err,
    });
  }
  if (err instanceof RateLimitError) {
    return new LeadbotError('PLATFORM_ERROR', `Discord rate limit on ${err.route} while trying to ${what}`, {
      userMessage: `Discord is rate limiting the bot; retry in ${Math.ceil(err.timeToReset / 1000)} s.`,
      cause: err,
    });
  }
  if (err instanceof HTTPError) {
    return new LeadbotError('PLATFORM_ERROR', `Discord HTTP ${err.status} while trying to ${what}`, {
      userMessage: `Discord answered HTTP ${err.status}; it may be down, retry later.`,
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  const tokenInvalid =
    /TokenInvalid|invalid token/i.test(message) || (err as { code?: string })?.code === 'TokenInvalid';
  return new LeadbotError('PLATFORM_ERROR', `Could not ${what} on Discord: ${message}`, {
    userMessage: tokenInvalid
      ? 'Discord rejected the token: set DISCORD_TOKEN to the bot token (Developer Portal → Bot → Reset Token).'
      : `Could not ${what} on Discord: ${message}`,
    cause: err,
  });
}

/** Discord's public REST API; DISCORD_API_URL replaces it (tests point it at a fake). */
export function discordEndpoint(apiUrl: string | undefined): PlatformEndpoint {
  return apiUrl
    ? { platform: 'Discord', url: apiUrl, variable: 'DISCORD_API_URL' }
    : { platform: 'Discord', url: 'https://discord.com/api', otherwise: 'check the network' };
}

/** Discord answered (an error code, an HTTP status): it is reachable. */
export function isDiscordAnswer(err: unknown): boolean {
  return err instanceof DiscordAPIError || err instanceof HTTPError || err instanceof RateLimitError;
}

/** A refusal at start: a token Discord does not accept names DISCORD_TOKEN. */
export function startError(err: unknown, what: string): unknown {
  const tokenRefused =
    (err instanceof DiscordAPIError && err.status === 401) ||
    (err as { code?: unknown } | null)?.code === 'TokenInvalid';
  if (tokenRefused) {
    return new LeadbotError('PLATFORM_ERROR', `Discord refused the token while trying to ${what}`, {
      userMessage:
        'DISCORD_TOKEN is refused by Discord (401 Unauthorized) — check it (Developer Portal → Bot → Reset Token)',
      cause: err,
    });
  }
  return toPlatformError(err, what);
}

/**
 * Tells the person something went wrong, without details (those go to the log). Best effort:
 * the interaction may already be answered or expired.
 */
export async function reportFailure(i: Interaction, logger: Logger): Promise<void> {
  if (!i.isRepliable()) return;
  const payload = renderNotice(
    'Sorry, something went wrong on our side. Please try again in a moment.',
    i.guildId === null ? 'dm' : 'ephemeral',
  );
  try {
    if (i.deferred || i.replied) await i.followUp(payload);
    else await i.reply(payload);
  } catch (err) {
    logger.debug({ err: toPlatformError(err, 'report a failure').message }, 'could not report the failure');
  }
}

/**
 * A failed delivery of an outbox row (alert, thread post, DM) for the dispatcher: Discord's
 * refusals (4xx but 429) are permanent, with `hint` saying what to check; rate limits say when
 * to retry; anything else is retried.
 */
export function toDeliveryError(err: unknown, what: string, hint: string): DeliveryError {
  const e = toPlatformError(err, what);
  if (err instanceof RateLimitError)
    return new DeliveryError(e.message, {
      retryAfterMs: err.retryAfter,
      cause: err,
      userMessage: e.userMessage,
    });
  const permanent =
    err instanceof DiscordAPIError && err.status >= 400 && err.status < 500 && err.status !== 429;
  return new DeliveryError(e.message, {
    permanent,
    cause: err,
    userMessage: permanent ? `${e.userMessage} ${hint}` : e.userMessage,
  });
}
