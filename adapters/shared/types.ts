/**
 * What every adapter receives from the composition root besides its own config.
 * Shared by all platforms; keep additions optional so no adapter breaks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Inbox } from '../../src/core/inbox/inbox.ts';
import type { Clock, LeadStore, Logger, OutreachStore } from '../../src/core/ports.ts';

/** The app's single HTTP server, as seen by an adapter that needs to mount a webhook. */
export interface HttpRoutes {
  route(
    method: string,
    path: string,
    handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  ): void;
}

export interface AdapterDeps {
  logger: Logger;
  http?: HttpRoutes;
  store?: LeadStore;
  clock?: Clock;
  /**
   * Contact log, opt-outs and link codes, shared by every adapter so contact limits hold
   * across platforms. Adapters fall back to a process-local memory one when absent.
   */
  outreach?: OutreachStore;
  /**
   * The durable inbox: webhook routes store each event here before answering the platform.
   * Adapters fall back to a process-local memory one (no crash survives it) when absent.
   */
  inbox?: Inbox;
}
