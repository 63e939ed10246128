/**
 * The web chat's {@link ProspectMessenger}. A visitor has no inbox to push to: the widget reads
 * the handoff's transcript (transcript-route.ts) while it is open, and the transcript row was
 * written in the same transaction as the outbox row. So delivering is done once the row exists:
 * the messenger marks it delivered at once, with the transcript message's id as the reference.
 */
import type { ProspectMessenger } from '../../src/core/ports/index.ts';

export function createWebProspectMessenger(): ProspectMessenger {
  return {
    platform: 'web',
    async deliver(delivery) {
      return { externalRef: delivery.messageId };
    },
  };
}
