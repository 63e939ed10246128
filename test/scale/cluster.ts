/**
 * Real `leadbot start` processes for the scale-out and crash tests: each serves the web chat
 * (the load balancer's target) and delivers sales alerts to a fake Slack channel. Conversations
 * are scripted from `flows/transcripts/*.yaml` and posted as the widget posts them.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Transcript } from '../../src/app/transcripts.ts';
import { loadTranscript } from '../../src/app/transcripts.ts';
import { ROOT, type RunningCli, startCli } from '../app/run-cli.ts';
import type { FakeSlackApi } from '../fakes/slack-api.ts';

export const FLOWS_DIR = join(ROOT, 'flows');
export const SALES_CHANNEL = 'C0SALES01';

/** One bot process and the base URL of its HTTP server. */
export interface BotProcess {
  cli: RunningCli;
  base: string;
}

/**
 * Starts `leadbot start --no-migrate` on `databaseUrl` (migrate once beforehand: several
 * processes racing to migrate is what `docs/scaling.md` tells operators not to do).
 */
export async function startBot(
  databaseUrl: string,
  slack: FakeSlackApi,
  extraEnv: Record<string, string> = {},
): Promise<BotProcess> {
  slack.join(SALES_CHANNEL); // the bot was invited to the sales channel
  const cli = startCli(['start', '--no-migrate'], {
    DATABASE_URL: databaseUrl,
    PORT: '0',
    FLOWS_DIR,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: 'test-signing-secret',
    SLACK_SALES_CHANNEL: SALES_CHANNEL,
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_ID: 'BBOT',
    SLACK_BOT_USER_ID: 'UBOT',
    // One test client plays hundreds of visitors from 127.0.0.1: these runs measure the chat.
    RATE_LIMIT_CHAT_IP: 'off',
    RATE_LIMIT_CHAT_VISITOR: 'off',
    ...extraEnv,
  });
  const ready = await cli.waitForLog('leadbot ready');
  return { cli, base: String(ready.http) };
}

/** Stops a process (SIGKILL when `hard`), waiting for it to exit. */
export async function stopBot(bot: BotProcess, hard = false): Promise<void> {
  if (bot.cli.child.exitCode === null && bot.cli.child.signalCode === null)
    bot.cli.child.kill(hard ? 'SIGKILL' : 'SIGTERM');
  await bot.cli.exited;
}

export type WebBody = Record<string, unknown>;

/** The widget requests of a transcript (campaign args ride on the page's UTM source). */
export function transcriptRequests(t: Transcript): WebBody[] {
  return t.steps.map((s) => {
    if ('say' in s) return { kind: 'message', text: s.say };
    if ('choose' in s) return { kind: 'choice', values: s.choose };
    const campaign = s.args[0];
    return { kind: 'command', name: s.command, ...(campaign ? { source: { utm_campaign: campaign } } : {}) };
  });
}

export interface Script {
  name: string;
  transcript: Transcript;
  requests: WebBody[];
}

/** Loads the shipped transcripts of the default flow. */
export async function loadScripts(): Promise<Script[]> {
  const names = ['strong-prospect', 'early-prospect', 'student', 'invalid-answers'];
  const out: Script[] = [];
  for (const name of names) {
    const transcript = await loadTranscript(join(FLOWS_DIR, 'transcripts', `${name}.yaml`));
    out.push({ name, transcript, requests: transcriptRequests(transcript) });
  }
  return out;
}

export const randomId = () => randomBytes(12).toString('hex');

export interface Acknowledged {
  visitorId: string;
  eventId: string;
  body: WebBody;
  /** Messages the bot answered with (empty for a de-duplicated retry). */
  messages: unknown[];
  /** Tries that failed (HTTP error or no connection) before the acknowledgement. */
  failedTries: number;
  /** The last failure seen, if any. */
  lastFailure?: string;
}

/**
 * Posts one widget event, retrying the same event id (as the widget does) until a process
 * answers 200. `pick` chooses the target each try (a load balancer). Returns the answer.
 */
export async function postUntilAcknowledged(
  pick: () => string,
  visitorId: string,
  body: WebBody,
  eventId = randomId(),
  opts: { deadlineMs?: number } = {},
): Promise<Acknowledged> {
  const deadline = Date.now() + (opts.deadlineMs ?? 60_000);
  let last = '';
  let failedTries = 0;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${pick()}/api/chat/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ visitorId, eventId, ...body }),
      });
      const text = await res.text();
      if (res.status === 200) {
        const { messages } = JSON.parse(text) as { messages: unknown[] };
        return { visitorId, eventId, body, messages, failedTries, ...(last ? { lastFailure: last } : {}) };
      }
      last = `HTTP ${res.status}: ${text.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    failedTries += 1;
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
  }
  throw new Error(`event ${eventId} of ${visitorId} never acknowledged: ${last}`);
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapConcurrent<T, R>(items: T[], limit: number, fn: (t: T, i: number) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
