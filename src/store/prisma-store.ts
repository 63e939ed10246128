/** `LeadStore` over a Prisma client: the repo, transactions, the outbox, health and shutdown. */
import type { LeadStore } from '../core/ports/index.ts';
import { createPrismaAlertReminders } from './alert-reminder-sql.ts';
import { batched } from './batched-statement.ts';
import { type DirectTransactions, directClient } from './direct-raw.ts';
import { selectFollowUpStates } from './follow-up-sql.ts';
import { createPrismaCounterStore } from './prisma-counters.ts';
import { createPrismaInbox } from './prisma-inbox.ts';
import { createPrismaLeadRepo } from './prisma-lead-repo.ts';
import { createPrismaOutbox } from './prisma-outbox.ts';
import { createPrismaOutreachStore } from './prisma-outreach.ts';
import { createPrismaReporting } from './prisma-reporting.ts';
import { createPrismaScheduleStore } from './prisma-schedules.ts';
import { createPrismaSessionStore } from './prisma-sessions.ts';
import { createPrismaTransactions } from './prisma-transactions.ts';
import type { Client, Dialect } from './prisma-types.ts';
import { createSqlReader } from './sql-reader.ts';
import { withStorableText } from './text-guard.ts';

/**
 * The store over a connected client. `sqlitePath` (the database file) lets reporting read on a
 * worker thread instead of the event loop (sql-reader.ts).
 */
export function createPrismaStore(
  unguarded: Client,
  dialect: Dialect,
  opts: { sqlitePath?: string; direct?: DirectTransactions } = {},
): LeadStore {
  // Every query-API call's strings made storable (text-guard.ts); raw statements guard their own.
  const guarded = withStorableText(unguarded);
  // Raw statements straight to the driver adapter, in transactions and out (direct-raw.ts).
  const client = opts.direct ? directClient(guarded, dialect, opts.direct) : guarded;
  const repo = createPrismaLeadRepo(client, dialect);
  const reader = createSqlReader(client, dialect, opts.sqlitePath);
  const outboxListeners = new Set<() => void>();
  const notifyOutbox = () => {
    for (const listener of outboxListeners) listener();
  };
  const { transaction, unitOfWork } = createPrismaTransactions(client, dialect, {
    onOutboxCommitted: notifyOutbox,
  });
  return {
    ...repo,
    // Several statements each (lead and identity; outbox rows, then the lead with its
    // cascades): all or nothing.
    createLead: (lead, identity) => transaction((tx) => tx.createLead(lead, identity)),
    deleteLead: (id) => transaction((tx) => tx.deleteLead(id)),
    // The handoff row and the lead's `openHandoffId` change together.
    handoffs: {
      ...repo.handoffs,
      open: (input) => transaction((tx) => tx.handoffs.open(input)),
      close: (id, by, at) => transaction((tx) => tx.handoffs.close(id, by, at)),
    },
    transaction,
    unitOfWork,
    // Outside a transaction a new row is committed when the insert returns.
    enqueueOutbox: async (input) => {
      const inserted = await repo.enqueueOutbox(input);
      if (inserted) notifyOutbox();
      return inserted;
    },
    outbox: {
      ...createPrismaOutbox(client, dialect),
      subscribe(listener) {
        outboxListeners.add(listener);
        return () => outboxListeners.delete(listener);
      },
    },
    inbox: createPrismaInbox(client, dialect),
    reporting: createPrismaReporting(client, dialect, reader),
    outreach: createPrismaOutreachStore(client, dialect),
    schedules: createPrismaScheduleStore(client, dialect),
    // After every direct event; the events of one group commit finish together: one statement.
    followUpState: batched((keys) => selectFollowUpStates(client, dialect, keys), { max: 64, inFlight: 2 }),
    sessions: createPrismaSessionStore(client),
    counters: createPrismaCounterStore(client),
    alertReminders: createPrismaAlertReminders(client),
    async ping() {
      await client.$queryRaw`SELECT 1`;
    },
    async close() {
      await reader.close();
      await client.$disconnect();
    },
  };
}
