/**
 * The one place where Slack SDK errors become leadbot errors. Web API failures become a
 * {@link DeliveryError} (a `LeadbotError('PLATFORM_ERROR')`) carrying the hints the outbox
 * dispatcher needs: `retryAfterMs` for 429, `permanent` for errors no retry can fix.
 */
import { LeadbotError } from '../../src/core/errors.ts';
import { DeliveryError } from '../../src/core/outbox/delivery-error.ts';
import type { PlatformEndpoint } from '../shared/startup.ts';

/** Slack `error` codes that mean configuration is wrong: retrying will not help. */
const PERMANENT = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'missing_scope',
  'invalid_blocks',
  'invalid_metadata_format',
  'msg_too_long',
  'no_permission',
  // The alert a thread hangs off was deleted: its thread is gone for good.
  'invalid_thread_ts',
  'thread_not_found',
]);

/**
 * Translates anything the Slack SDK threw while calling `method`.
 * Codes are those of `@slack/web-api` (`slack_webapi_*`).
 */
export function toPlatformError(err: unknown, method: string): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (err ?? {}) as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string };
    message?: string;
  };
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return new DeliveryError(`Slack ${method}: rate limited for ${e.retryAfter ?? '?'}s`, {
        retryAfterMs: Math.max(0, e.retryAfter ?? 1) * 1000,
        cause: err,
      });
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown_error';
      return new DeliveryError(`Slack ${method}: ${code}`, {
        permanent: PERMANENT.has(code),
        cause: err,
        userMessage: PERMANENT.has(code)
          ? `Slack refused ${method} (${code}): check SLACK_BOT_TOKEN scopes and that the bot is in the channel.`
          : undefined,
      });
    }
    case 'slack_webapi_http_error':
      // 5xx and other HTTP failures: Slack is having a bad moment.
      return new DeliveryError(`Slack ${method}: HTTP ${e.statusCode ?? '?'}`, {
        permanent:
          e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500 && e.statusCode !== 408,
        cause: err,
      });
    case 'slack_webapi_request_error':
      return new DeliveryError(`Slack ${method}: network error (${e.message ?? 'request failed'})`, {
        cause: err,
      });
    default:
      return new DeliveryError(`Slack ${method}: ${e.message ?? String(err)}`, { cause: err });
  }
}

/** True when `err` is a leadbot error that came from Slack. */
export function isSlackPlatformError(err: unknown): err is LeadbotError {
  return err instanceof LeadbotError && err.code === 'PLATFORM_ERROR';
}

/** Slack's public Web API; SLACK_API_URL replaces it (tests point it at a fake). */
const DEFAULT_API_URL = 'https://slack.com/api/';

export function slackEndpoint(apiUrl: string | undefined): PlatformEndpoint {
  return apiUrl && apiUrl !== DEFAULT_API_URL
    ? { platform: 'Slack', url: apiUrl, variable: 'SLACK_API_URL' }
    : { platform: 'Slack', url: DEFAULT_API_URL, otherwise: 'check the network, or set SLACK_API_URL' };
}

/** Slack answers that mean the token is wrong, not that Slack is having a bad moment. */
const TOKEN_REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);

/** A refusal at start: a token Slack does not accept names its variable. */
export function startError(err: unknown, method: string, variable: string): unknown {
  const code = (err as { data?: { error?: string } } | null)?.data?.error;
  if (code && TOKEN_REFUSED.has(code)) {
    return new LeadbotError('PLATFORM_ERROR', `Slack ${method}: ${code}`, {
      userMessage: `${variable} is refused by Slack (${method}: ${code}) — check it`,
      cause: err,
    });
  }
  return toPlatformError(err, method);
}
