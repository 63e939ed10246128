/**
 * What every adapter receives from the composition root besides its own config.
 * Shared by all platforms; keep additions optional so no adapter breaks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HandoffRepliers } from '../../src/core/handoff/relay-rep-message.ts';
import type { Inbox } from '../../src/core/inbox/inbox.ts';
import type {
  AnswerInterpreter,
  Clock,
  HandoffChannels,
  LeadEvents,
  LeadStore,
  Logger,
  OutreachStore,
} from '../../src/core/ports/index.ts';

/** What a route declares besides its handler. */
export interface RouteOptions {
  /**
   * The largest request body the route accepts, in bytes; the server answers 413 beyond it,
   * whoever reads the body. Default: `HTTP_MAX_BODY_BYTES`, or 0 for GET and HEAD.
   */
  maxBodyBytes?: number;
}

/** The app's single HTTP server, as seen by an adapter that needs to mount a webhook. */
export interface HttpRoutes {
  route(
    method: string,
    path: string,
    handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
    options?: RouteOptions,
  ): void;
}

/**
 * Budgets of anonymous clients, applied by the app (src/app/rate-limits.ts) to routes anyone can
 * call. Each method resolves when the request may go on and rejects with a `RateLimitedError`
 * (HTTP 429, `retryAfterSeconds`) when the client is over its budget; it logs the refusal itself.
 */
export interface ClientLimits {
  /** Counts a request against its client address; call it before reading the body. */
  request(req: IncomingMessage): Promise<void>;
  /** Counts a request against the visitor (the web chat's visitor id). */
  visitor(id: string, req: IncomingMessage): Promise<void>;
}

export interface AdapterDeps {
  logger: Logger;
  http?: HttpRoutes;
  store?: LeadStore;
  /**
   * Where claims, stage changes and erasures made from the platform are announced (webhooks).
   * Required with `store`: an adapter given a store without it refuses to start.
   */
  leadEvents?: LeadEvents;
  clock?: Clock;
  /**
   * Contact log, opt-outs and link codes, shared by every adapter so contact limits hold
   * across platforms. Absent: the store's own (`store.outreach`, adapters/shared/outreach.ts).
   */
  outreach?: OutreachStore;
  /** Rate limits for public routes; none when absent (tests, the terminal chat). */
  limits?: ClientLimits;
  /**
   * The durable inbox: webhook routes store each event here before answering the platform.
   * Required by the Slack, Telegram and web adapters (they refuse to start without it).
   */
  inbox?: Inbox;
  /** The optional model that also reads public messages for buying intent; keywords only without. */
  interpreter?: AnswerInterpreter | undefined;
  /**
   * Where the adapter registers its handoff parts at start (its `ProspectMessenger`, and its
   * `SalesThread` beside the alert sink); absent where no handoff is relayed (tests, the terminal chat).
   */
  handoff?: HandoffChannels;
  /** Who may talk to a prospect from an alert's thread (`HANDOFF_REPLIERS`); `owner` when absent. */
  handoffRepliers?: HandoffRepliers;
}
