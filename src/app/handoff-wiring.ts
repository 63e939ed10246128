/**
 * The handoff relay for `leadbot start`: a registry the adapters fill at start (their
 * `ProspectMessenger` and `SalesThread`, through `AdapterDeps.handoff`), and a dispatcher of the
 * three handoff outbox kinds over it. `handoff_to_prospect` rows go to the messenger of the
 * person's platform (`to.platform`), `handoff_to_sales` and `alert_reminder` rows to the thread
 * of the sink that posted the alert (`alert.sink`). A row whose part no started adapter
 * registered fails for good with a message naming what is missing; rows of a platform that is
 * merely down are retried by the dispatcher as usual.
 */
import { hostname } from 'node:os';
import type { Platform } from '../core/events.ts';
import { isProspectDelivery, isThreadPost } from '../core/handoff/payloads.ts';
import { DeliveryError } from '../core/outbox/delivery-error.ts';
import { createOutboxDispatcher, type OutboxSink } from '../core/outbox/dispatcher.ts';
import {
  ALERT_REMINDER,
  type Clock,
  HANDOFF_TO_PROSPECT,
  HANDOFF_TO_SALES,
  type HandoffChannels,
  type LeadStore,
  type Logger,
  type ProspectMessenger,
  type SalesThread,
} from '../core/ports/index.ts';

/** The registry: what adapters registered, looked up by the sinks. */
export interface HandoffRegistry extends HandoffChannels {
  messenger(platform: Platform): ProspectMessenger | undefined;
  thread(sink: string): SalesThread | undefined;
}

export function createHandoffChannels(): HandoffRegistry {
  const messengers = new Map<Platform, ProspectMessenger>();
  const threads = new Map<string, SalesThread>();
  return {
    register(part) {
      if ('deliver' in part) messengers.set(part.platform, part);
      else threads.set(part.sink, part);
    },
    messenger: (platform) => messengers.get(platform),
    thread: (sink) => threads.get(sink),
  };
}

const missing = (what: string) =>
  new DeliveryError(`no handoff ${what} is registered: is that adapter started and configured?`, {
    permanent: true,
  });

/** The outbox sinks of the three handoff kinds over `channels`. */
export function handoffSinks(channels: HandoffRegistry): Record<string, OutboxSink> {
  const toThread = (name: string): OutboxSink => ({
    name,
    accepts: isThreadPost,
    async deliver(payload, key) {
      if (!isThreadPost(payload)) throw missing('payload');
      const thread = channels.thread(payload.alert.sink);
      if (!thread) throw missing(`thread for sales alerts on ${payload.alert.sink}`);
      return thread.post(payload, key);
    },
  });
  return {
    [HANDOFF_TO_PROSPECT]: {
      name: HANDOFF_TO_PROSPECT,
      accepts: isProspectDelivery,
      async deliver(payload, key) {
        if (!isProspectDelivery(payload)) throw missing('payload');
        const messenger = channels.messenger(payload.to.platform);
        if (!messenger) throw missing(`messenger for ${payload.to.platform}`);
        return messenger.deliver(payload, key);
      },
    },
    [HANDOFF_TO_SALES]: toThread(HANDOFF_TO_SALES),
    [ALERT_REMINDER]: toThread(ALERT_REMINDER),
  };
}

/**
 * The registry to hand the adapters (`deps`; each registers its messenger and thread poster),
 * and `start`, called once they started: runs the dispatcher; returns its stop.
 */
export function createHandoffWiring(deps: {
  config: { handoffRepliers: 'owner' | 'channel' };
  store: LeadStore;
  clock: Clock;
  logger: Logger;
}) {
  const channels = createHandoffChannels();
  return {
    channels,
    deps: { handoff: channels as HandoffChannels, handoffRepliers: deps.config.handoffRepliers },
    start(): () => Promise<void> {
      const dispatcher = createOutboxDispatcher({
        store: deps.store,
        sinks: handoffSinks(channels),
        clock: deps.clock,
        logger: deps.logger,
        workerId: `${hostname()}:${process.pid}:handoff`,
      });
      dispatcher.start();
      return () => dispatcher.stop();
    },
  };
}
