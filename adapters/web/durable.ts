/**
 * The web chat through the durable inbox. The widget's request is stored before the engine
 * handles it, and its answer is the response. The widget resends a request only when it got no
 * answer (network error, 5xx), so a resend takes the stored event over at once, even from
 * another instance that may still be running it (the engine's de-duplication makes one of them
 * a no-op), and answers its replies — or, when the inbox's poll loop replayed it first, the
 * replies that replay kept. While this instance is processing it, `null` asks the widget to
 * come back in a second (503 with Retry-After).
 */
import { createHash } from 'node:crypto';
import { LeadbotError } from '../../src/core/errors.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import type { Inbox } from '../../src/core/inbox/inbox.ts';
import type { InboundHandler, JsonValue } from '../../src/core/ports/index.ts';
import { toInboundEvent } from './inbound.ts';
import { renderMessages, type WebMessage } from './outbound.ts';

/**
 * The inbox key: the visitor and the widget's event id, hashed. Knowing another visitor's event
 * id is not enough to read their replies, and no visitor id stays in the table after `forget`.
 */
export function webInboxKey(event: InboundEvent): string {
  return createHash('sha256').update(`${event.userId}\n${event.eventId}`).digest('base64url');
}

export interface WebInbox {
  /** Registers the replay of stored web events (the adapter's start). */
  register(): void;
  /** Stores and handles one request; its widget messages, or null when it is being handled elsewhere. */
  answer(event: InboundEvent, raw: string): Promise<WebMessage[] | null>;
}

export function createWebInbox(inbox: Inbox, handler: () => InboundHandler | undefined): WebInbox {
  return {
    register() {
      inbox.handle('web', async (payload) => {
        const event = toInboundEvent(JSON.parse(payload));
        const h = handler();
        if (!event) return [];
        if (!h) throw new Error('the web chat is not started');
        return renderMessages(await h(event)) as unknown as JsonValue;
      });
    },
    async answer(event, raw) {
      const key = webInboxKey(event);
      const entry = await inbox.receive('web', key, raw);
      const found = entry
        ? ({ kind: 'claimed', entry } as const)
        : await inbox.retake('web', key, { force: true });
      switch (found.kind) {
        case 'claimed':
          // Undefined: the lease ran out before the work began and another instance has it.
          return ((await inbox.run(found.entry)) ?? null) as unknown as WebMessage[] | null;
        case 'processed':
          return (found.result ?? []) as unknown as WebMessage[];
        case 'busy':
          return null;
        case 'missing': // pruned in the meantime: long done
          return [];
        case 'failed':
          throw new LeadbotError('PLATFORM_ERROR', `web event ${key} failed for good`, {
            userMessage: 'Something went wrong on our side; please send that again.',
          });
      }
    },
  };
}
