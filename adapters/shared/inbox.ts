/**
 * The inbox an adapter stores inbound events in: the app's durable one (`deps.inbox`, on the
 * database), or a process-local one in memory when run without it (tests, embedding), which
 * keeps the same order of work — stored, acknowledged, processed — but survives no crash.
 */
import { createInbox, type Inbox } from '../../src/core/inbox/inbox.ts';
import { createMemoryInboxStore } from '../../src/core/memory/memory-inbox.ts';
import type { AdapterDeps } from './types.ts';

export function inboxOf(deps: AdapterDeps): Inbox {
  return (
    deps.inbox ??
    createInbox({
      store: createMemoryInboxStore(),
      clock: deps.clock ?? { now: () => new Date() },
      logger: deps.logger,
      workerId: `local:${process.pid}`,
    })
  );
}
