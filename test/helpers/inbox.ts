/**
 * A process-local inbox for adapter tests that do not exercise the durable one: the same order
 * of work (stored, acknowledged, processed) over the memory inbox store. The app always passes
 * the database's inbox; adapters refuse to start without one.
 */
import { createInbox, type Inbox } from '../../src/core/inbox/inbox.ts';
import { createMemoryInboxStore } from '../../src/core/memory/memory-inbox.ts';
import type { Clock, Logger } from '../../src/core/ports/index.ts';
import { silentLogger } from './engine.ts';

export function memoryInbox(opts: { clock?: Clock; logger?: Logger } = {}): Inbox {
  return createInbox({
    store: createMemoryInboxStore(),
    clock: opts.clock ?? { now: () => new Date() },
    logger: opts.logger ?? silentLogger,
    workerId: `test:${process.pid}`,
  });
}
