/**
 * The core's handoff use cases (src/core/handoff/) as the two acts a rep performs from an
 * alert — write to the lead, close the conversation — bound to an adapter's services. Each
 * platform's listener (adapters/<p>/handoff.ts) parses its payload into a {@link HandoffAct}
 * and renders the outcome.
 */
import type { CommunityServices } from '../../src/core/community-services.ts';
import { type CloseHandoffResult, closeHandoff } from '../../src/core/handoff/close-handoff.ts';
import {
  type HandoffRepliers,
  type RelayRepMessageResult,
  relayRepMessage,
} from '../../src/core/handoff/relay-rep-message.ts';
import type { AlertRef } from '../../src/core/ports/index.ts';

/** Who acted on which alert. */
export interface HandoffAct {
  alert: AlertRef;
  /** `<platform>:<userId>` of the rep. */
  rep: string;
  /** The rep's name as their platform shows it; null when it did not say. */
  repName: string | null;
  /** The platform's id of the reply or click (a redelivery changes nothing). */
  event: { platform: string; eventId: string };
}

/** The two acts; each returns the use case's outcome for the listener to render. */
export interface HandoffActions {
  relay(input: HandoffAct & { text: string }): Promise<RelayRepMessageResult>;
  close(input: HandoffAct): Promise<CloseHandoffResult>;
}

/** Binds the use cases to `services`; `who` is HANDOFF_REPLIERS (default: the owner only). */
export function handoffActions(
  services: Pick<CommunityServices, 'store' | 'leadEvents' | 'clock'>,
  who?: HandoffRepliers,
): HandoffActions {
  return {
    relay: (a) =>
      relayRepMessage(services, {
        alert: a.alert,
        rep: a.rep,
        repName: a.repName ?? 'Sales',
        text: a.text,
        event: a.event,
        ...(who ? { who } : {}),
      }),
    close: (a) => closeHandoff(services, { alert: a.alert, by: a.rep, byName: a.repName, event: a.event }),
  };
}
