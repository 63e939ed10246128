/**
 * Socket Mode with the acknowledgement after the durable inbox. Bolt's `SocketModeReceiver`
 * keeps the connection (apps.connections.open, hello, pings, reconnects on `disconnect`), but
 * it hands each envelope to `app.processEvent`, which acks an Events API delivery before any
 * listener runs: a crash then would lose an event Slack considers delivered. So the receiver
 * is initialised with a gate instead of the App (it only ever calls `processEvent`): the gate
 * stores the payload in the inbox, then acks, then lets the App process it with a no-op ack.
 *
 * - Storing fails (database down): the gate throws, bolt's `processEventErrorHandler` leaves
 *   the envelope unacknowledged, Slack redelivers it.
 * - The process dies between the insert and the ack: Slack redelivers to another connection;
 *   the row is there already, so that delivery is only acked, and the inbox's poll loop
 *   processes the row once the dead process's lease ran out.
 * - A redelivery of an event that was stored (the first ack got lost) is acked, not processed.
 * A `view_submission` is processed up to its listener's ack before Slack is answered, because
 * that ack can carry what the user sees (`response_action: errors`), as over HTTP.
 */
import {
  type App,
  type Logger as BoltLogger,
  type Receiver,
  type ReceiverEvent,
  SocketModeReceiver,
} from '@slack/bolt';
import type { Inbox } from '../../src/core/inbox/inbox.ts';
import type { Logger } from '../../src/core/ports/index.ts';
import { slackDeliveryId } from './http-route.ts';

/** Slack waits 3 s for the ack; a modal's listener must have acked before then. */
const VIEW_ACK_WAIT_MS = 2500;

export interface DurableSocketReceiverOptions {
  appToken: string;
  /** Where `apps.connections.open` is called (`SLACK_API_URL`). */
  apiUrl: string;
  inbox: Inbox;
  logger: Logger;
  boltLogger: BoltLogger;
}

export interface DurableSocketReceiver extends Receiver {
  /** The bolt receiver that holds the connection. */
  readonly socket: SocketModeReceiver;
  /** Resolves when every envelope received so far is stored and acknowledged. */
  idle(): Promise<void>;
}

const noAck = async () => {};

/** Creates the receiver bolt's App is constructed with in Socket Mode. */
export function durableSocketReceiver(o: DurableSocketReceiverOptions): DurableSocketReceiver {
  const { inbox, logger } = o;
  const socket = new SocketModeReceiver({
    appToken: o.appToken,
    logger: o.boltLogger,
    // The SocketModeClient builds the WebClient that calls apps.connections.open from these
    // (a fresh object: the client writes its retry policy into it).
    installerOptions: { clientOptions: { slackApiUrl: o.apiUrl } },
  });
  let app: App | null = null;
  const gates = new Set<Promise<unknown>>();

  async function ack(event: ReceiverEvent, response?: unknown): Promise<void> {
    try {
      await event.ack(response);
    } catch (err) {
      // The connection went between the insert and the ack: Slack redelivers, the inbox dedupes.
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'slack ack not sent');
    }
  }

  async function gate(event: ReceiverEvent): Promise<void> {
    if (!app) throw new Error('the Slack socket receiver is not initialised');
    const target = app;
    const body = event.body;
    const raw = JSON.stringify(body);
    const entry = await inbox.receive('slack', slackDeliveryId(body, raw), raw); // throws: no ack
    if (!entry) return ack(event); // a redelivery: the first copy is (being) processed
    const process = (listenerAck: (response?: unknown) => Promise<void>) => ({
      work: async () => {
        await target.processEvent({ ...event, ack: listenerAck });
        return undefined;
      },
    });
    if (body.type === 'view_submission') {
      let answered = false;
      const answer = async (response?: unknown) => {
        if (answered) return;
        answered = true;
        await ack(event, response);
      };
      const timer = setTimeout(() => void answer(), VIEW_ACK_WAIT_MS);
      try {
        await inbox.run(entry, process(answer));
      } catch {
        // Recorded by the inbox, which retries it; Slack got (or gets) its ack below.
      } finally {
        clearTimeout(timer);
        await answer();
      }
      return;
    }
    await ack(event);
    try {
      await inbox.run(entry, process(noAck));
    } catch {
      // Recorded by the inbox, which retries it: the envelope is acknowledged all the same.
    }
  }

  // Bolt's receiver calls only `processEvent` on what `init` gave it.
  const gateApp = {
    processEvent: (event: ReceiverEvent) => {
      const p = gate(event);
      const settled = p.catch(() => undefined);
      gates.add(settled);
      void settled.finally(() => gates.delete(settled));
      return p;
    },
  } as unknown as App;

  return {
    socket,
    init(a) {
      app = a;
      socket.init(gateApp);
    },
    start: () => socket.start(),
    stop: () => socket.stop(),
    async idle() {
      while (gates.size > 0) await Promise.all([...gates]);
    },
  };
}
