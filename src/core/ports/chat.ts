/** The chat platform port: an adapter's connection and the handler it feeds. */
import type { ChoiceOption, InboundEvent, OutboundMessage, Platform } from '../events.ts';

/** What an adapter calls for every inbound event; returns what to send back. */
export type InboundHandler = (event: InboundEvent) => Promise<OutboundMessage[]>;

/** A chat platform connection. */
export interface ChatAdapter {
  readonly platform: Platform;
  /**
   * Connects and starts delivering events to `handler`. Resolves once connected. Gives up
   * on a platform that does not answer within a bounded time (`PLATFORM_ERROR` naming the
   * variable to check), and rejects with `opts.signal.reason` as soon as that signal aborts
   * (a SIGTERM while starting); the caller then calls `stop()`.
   */
  start(handler: InboundHandler, opts?: { signal?: AbortSignal }): Promise<void>;
  stop(): Promise<void>;
  /** Sends messages not triggered by an inbound event (reminders, consent prompts). */
  send?(target: { workspaceId: string; channelId: string }, messages: OutboundMessage[]): Promise<void>;
  /**
   * Whether the platform connection is up right now (gateway, long polling), for `/readyz`.
   * Optional: an adapter without it counts as connected from `start` until `stop`.
   */
  isConnected?(): boolean;
}

export type { ChoiceOption };
