/**
 * Outbox sinks of the handoff's rows for tests: `handoff_to_prospect` to the ProspectMessenger
 * of the person's platform, `handoff_to_sales` and `alert_reminder` to the SalesThread of the
 * sink that posted the alert. (The app's own routing is the core's; this is the same contract,
 * small enough to read in a test.)
 */
import type { OutboxSink } from '../../src/core/outbox/dispatcher.ts';
import {
  ALERT_REMINDER,
  HANDOFF_TO_PROSPECT,
  HANDOFF_TO_SALES,
  type ProspectDelivery,
  type ProspectMessenger,
  type SalesThread,
  type ThreadPost,
} from '../../src/core/ports/index.ts';

export function handoffSinks(
  messengers: ProspectMessenger[],
  threads: SalesThread[],
): Record<string, OutboxSink> {
  const toProspect: OutboxSink = {
    name: 'handoff-prospect',
    accepts: () => true,
    deliver(payload, key) {
      const d = payload as unknown as ProspectDelivery;
      const m = messengers.find((x) => x.platform === d.to.platform);
      if (!m) throw new Error(`no messenger for ${d.to.platform}`);
      return m.deliver(d, key);
    },
  };
  const toThread: OutboxSink = {
    name: 'handoff-thread',
    accepts: () => true,
    deliver(payload, key) {
      const p = payload as unknown as ThreadPost;
      const t = threads.find((x) => x.sink === p.alert.sink);
      if (!t) throw new Error(`no sales thread for ${p.alert.sink}`);
      return t.post(p, key);
    },
  };
  return { [HANDOFF_TO_PROSPECT]: toProspect, [HANDOFF_TO_SALES]: toThread, [ALERT_REMINDER]: toThread };
}
