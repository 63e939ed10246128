/**
 * The platform calls an adapter makes in `start` (Telegram `getMe`/`setWebhook`, Slack
 * `auth.test`/`apps.connections.open`, Discord command registration and gateway login), under
 * one deadline. The SDKs would otherwise wait a long time or forever: grammY retries network
 * errors without end, a request to a server that accepts the connection but never answers
 * waits for the SDK's own timeout (grammY: 500 s). `leadbot start` must instead end with one
 * line naming what to check, well within 30 s, and stop at once on SIGINT/SIGTERM.
 */
import { raceSignal, sleep } from '../../src/core/abort.ts';
import { LeadbotError } from '../../src/core/errors.ts';

/**
 * How long `start` waits for one platform's API before giving up: ample for calls that take
 * well under a second when the API is there, and leaves room under 30 s for the process to
 * boot and migrate.
 */
export const START_DEADLINE_MS = 10_000;

/** Where a platform's API is, as the operator configured it (for the one-line error). */
export interface PlatformEndpoint {
  /** `Telegram`, `Slack`, `Discord`. */
  platform: string;
  /** Base URL in use. */
  url: string;
  /** The variable that set `url`; absent when it is the platform's public default. */
  variable?: string;
  /** What to check when the default URL does not answer (the network, a proxy…). */
  otherwise?: string;
}

export interface StartCallOptions {
  /** Aborts the wait (a signal asked the process to stop): calls reject with its reason. */
  signal?: AbortSignal | undefined;
  /** Defaults to {@link START_DEADLINE_MS}. */
  deadlineMs?: number | undefined;
  /** True when `err` says the API could not be reached (network error, no answer). */
  isUnreachable(err: unknown): boolean;
  /** Every other failure (the API answered no) as the adapter's own error. */
  translate(err: unknown): unknown;
  /**
   * Extra tries after an unreachable error, 1 s then 2 s… apart, within the deadline. For SDKs
   * that do not retry network errors themselves (discord.js); default 0.
   */
  retries?: number;
}

/** Runs one platform call of `start`; see {@link startCalls}. */
export type StartCall = <T>(task: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * The calls of one `start`, sharing one deadline that begins now. Each call's `task` gets a
 * signal that aborts at the deadline or when `opts.signal` aborts, and the call returns as
 * soon as either happens (the SDK may keep a request open; the adapter's `stop()` closes it).
 * A call rejects with `opts.signal.reason` when asked to stop; with `PLATFORM_ERROR`
 * "`<variable> <url>` does not answer (…) — check it" when the API is unreachable or silent;
 * else with `translate(err)`.
 */
export function startCalls(endpoint: PlatformEndpoint, opts: StartCallOptions): StartCall {
  const ms = opts.deadlineMs ?? START_DEADLINE_MS;
  const deadline = AbortSignal.timeout(ms);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  const began = Date.now();
  const attempt = async <T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    let delay = 1000;
    for (let left = opts.retries ?? 0; ; left--) {
      try {
        return await raceSignal(
          Promise.resolve().then(() => task(signal)),
          signal,
        );
      } catch (err) {
        if (left <= 0 || signal.aborted || !opts.isUnreachable(err)) throw err;
        try {
          await sleep(delay, signal);
        } catch {
          throw err; // the deadline or a stop came while waiting
        }
        delay *= 2;
      }
    }
  };
  return async (task) => {
    try {
      return await attempt(task);
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (deadline.aborted) throw notAnswering(endpoint, `no answer within ${ms / 1000} s`, err);
      if (opts.isUnreachable(err)) {
        const seconds = ((Date.now() - began) / 1000).toFixed(1);
        throw notAnswering(endpoint, `${networkReason(err)}, gave up after ${seconds} s`, err);
      }
      throw opts.translate(err);
    }
  };
}

/** The one-line error: which variable (or default URL) to check, and why. */
export function notAnswering(endpoint: PlatformEndpoint, why: string, cause?: unknown): LeadbotError {
  const who = endpoint.variable
    ? `${endpoint.variable} ${endpoint.url}`
    : `${endpoint.platform} (${endpoint.url})`;
  const fix = endpoint.variable ? 'check it' : (endpoint.otherwise ?? 'check the network');
  return new LeadbotError('PLATFORM_ERROR', `${who} does not answer (${why})`, {
    userMessage: `${who} does not answer (${why}) — ${fix}`,
    cause,
  });
}

/** `err` and its causes, outermost first (SDKs nest them as `cause`, `error` or `original`). */
function causes(err: unknown): object[] {
  const chain: object[] = [];
  let at: unknown = err;
  while (chain.length < 6 && at && typeof at === 'object' && !chain.includes(at)) {
    chain.push(at);
    const next = at as { cause?: unknown; error?: unknown; original?: unknown };
    at = next.cause ?? next.error ?? next.original;
  }
  return chain;
}

/** The system error code (ECONNREFUSED, ENOTFOUND…) somewhere in an SDK error's causes. */
function systemCode(err: unknown): string | undefined {
  for (const e of causes(err)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  }
  return undefined;
}

/** True when a system network error (refused, reset, DNS, unreachable) caused `err`. */
export function hasNetworkCause(err: unknown): boolean {
  return systemCode(err) !== undefined;
}

/** Why a call got no answer, for the one line: the system code, else the innermost message. */
export function networkReason(err: unknown): string {
  const innermost = causes(err).at(-1);
  const message = innermost instanceof Error ? innermost.message : String(innermost ?? err);
  return systemCode(err) ?? message.split('\n')[0]!;
}
