/**
 * In-memory {@link LeadStore}: the reference implementation of the storage port, used by
 * fast unit tests and anywhere durability is not wanted. It passes the same contract suite
 * as the Prisma stores. Writes are serialized (one writer, like SQLite); a transaction
 * keeps an undo journal of its writes and replays it backwards if `fn` throws.
 */

import { followUpStateOf } from '../nurture/follow-up-state.ts';
import type {
  BookingLinkStore,
  Clock,
  HandoffStore,
  IdentityKey,
  IdentityProfiles,
  LeadRepo,
  LeadStore,
  RepVerdict,
  WorkHints,
} from '../ports/index.ts';
import { createMemoryAlertReminders } from './memory-alert-reminders.ts';
import { createMemoryCounterStore } from './memory-counters.ts';
import { MemoryInbox } from './memory-inbox.ts';
import { MemoryOutbox } from './memory-outbox.ts';
import { createMemoryOutreachStore } from './memory-outreach.ts';
import { MemoryRepo } from './memory-repo.ts';
import { createRepoReporting } from './memory-reporting.ts';
import { createMemoryScheduleStore, createMemoryVerdictLog } from './memory-schedules.ts';
import { createMemorySessionStore } from './memory-sessions.ts';
import { MemoryBookingLinks, MemoryProfiles } from './memory-side-tables.ts';
import { emptyTables, Journal } from './memory-state.ts';
import { SerialQueue } from './serial.ts';

/** The port's methods, each exposed as its own one-call transaction; the compiler keeps it complete. */
const REPO_METHODS = {
  findIdentity: true,
  findLeadByIdentity: true,
  createLead: true,
  addIdentity: true,
  removeIdentity: true,
  listIdentities: true,
  getLead: true,
  updateLead: true,
  listLeads: true,
  deleteLead: true,
  saveFlowVersion: true,
  getFlowVersion: true,
  findOpenConversation: true,
  getConversation: true,
  listConversations: true,
  createConversation: true,
  updateConversation: true,
  abandonIdleConversations: true,
  addAnswer: true,
  listAnswers: true,
  replaceScoreContributions: true,
  listScoreContributions: true,
  addStageChange: true,
  listStageChanges: true,
  addNote: true,
  listNotes: true,
  enqueueOutbox: true,
  markEventProcessed: true,
} satisfies Record<Exclude<keyof LeadRepo, 'verdicts' | 'handoffs' | 'bookingLinks' | 'profiles'>, true>;

const HANDOFF_METHODS = {
  findAlertLead: true,
  findOpen: true,
  open: true,
  close: true,
  list: true,
  addMessage: true,
  listMessages: true,
} satisfies Record<keyof HandoffStore, true>;

export function createMemoryStore(opts: { clock?: Clock } = {}): LeadStore {
  const tables = emptyTables();
  const journal = new Journal();
  const serial = new SerialQueue();
  const repo = new MemoryRepo(() => tables, journal);
  const outbox = new MemoryOutbox(() => tables, serial);
  const verdictRows: RepVerdict[] = [];
  // Inside a transaction: the repo's methods, and verdicts that a rollback takes back.
  const txView = {} as Record<string, unknown>;
  for (const name of Object.keys(REPO_METHODS) as (keyof typeof REPO_METHODS)[])
    txView[name] = (repo[name] as (...args: unknown[]) => unknown).bind(repo);
  txView.verdicts = createMemoryVerdictLog(opts.clock, journal, verdictRows);
  const links = new MemoryBookingLinks(() => tables, journal);
  txView.bookingLinks = links;
  const profiles = new MemoryProfiles(() => tables, journal);
  txView.profiles = profiles;
  txView.handoffs = repo.handoffTables;
  const tx = txView as unknown as LeadRepo;
  let closed = false;

  const transaction = <T>(fn: (tx: LeadRepo) => Promise<T>): Promise<T> =>
    serial.run(async () => {
      try {
        const result = await fn(tx);
        journal.commit();
        return result;
      } catch (err) {
        journal.rollback();
        throw err;
      }
    });

  const schedules = createMemoryScheduleStore(opts.clock);
  // Outside a transaction each call is its own one-statement transaction.
  const store = {
    transaction,
    // One writer, nothing to batch: a unit of work is a transaction; the hints are not needed.
    unitOfWork: <T>(_hints: WorkHints, fn: (tx: LeadRepo) => Promise<T>) => transaction(fn),
    outbox,
    inbox: new MemoryInbox(() => tables.events),
    schedules,
    followUpState: (key: IdentityKey) => transaction(() => followUpStateOf(repo, schedules, key)),
    verdicts: createMemoryVerdictLog(opts.clock, undefined, verdictRows),
    // Outside a transaction each call is its own transaction, like the repo's methods.
    bookingLinks: {
      create: (link) => transaction(() => links.create(link)),
      click: (id, at) => transaction(() => links.click(id, at)),
      listForLead: (leadId) => transaction(() => links.listForLead(leadId)),
    } satisfies BookingLinkStore,
    profiles: {
      refresh: (key, profile, at) => transaction(() => profiles.refresh(key, profile, at)),
    } satisfies IdentityProfiles,
    outreach: createMemoryOutreachStore(),
    sessions: createMemorySessionStore(),
    counters: createMemoryCounterStore(),
    alertReminders: createMemoryAlertReminders(() => tables, verdictRows),
    async ping() {
      if (closed) throw new Error('memory store is closed');
    },
    async close() {
      closed = true;
    },
  } as Record<string, unknown>;
  for (const name of Object.keys(REPO_METHODS) as (keyof typeof REPO_METHODS)[]) {
    const method = repo[name] as (...args: unknown[]) => Promise<unknown>;
    store[name] = (...args: unknown[]) => transaction(() => method.apply(repo, args));
  }
  const handoffs = {} as Record<string, unknown>;
  for (const name of Object.keys(HANDOFF_METHODS) as (keyof HandoffStore)[]) {
    const method = repo.handoffTables[name] as (...args: unknown[]) => Promise<unknown>;
    handoffs[name] = (...args: unknown[]) => transaction(() => method.apply(repo.handoffTables, args));
  }
  store.handoffs = handoffs;
  const complete = store as unknown as LeadStore;
  // Counts in JavaScript over the store's own reads, with the rules the SQL is held to.
  store.reporting = createRepoReporting(complete);
  return complete;
}
