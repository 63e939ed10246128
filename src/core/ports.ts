/**
 * Every interface the core needs from the outside world, named once.
 * The storage ports (LeadStore and the stores it offers) have an in-memory implementation
 * beside the Prisma one (src/core/memory/), used by fast unit tests; both must pass the same
 * contract suite (test/store/lead-store.contract.ts). The other ports (chat adapters, alert
 * sinks, lead events, clock, logger) are implemented by adapters, the app and the core's modules.
 */
import type { ChoiceOption, InboundEvent, OutboundMessage, Platform } from './events.ts';
import type { ReportingQueries } from './reporting.ts';

export type Stage = 'cold' | 'MQL' | 'SQL' | 'disqualified';
export const STAGES: readonly Stage[] = ['cold', 'MQL', 'SQL', 'disqualified'];
export type ConversationStatus = 'active' | 'completed' | 'abandoned';
export type OutboxStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Identifies one account on one platform. `workspaceId` is `''` where the platform has none. */
export interface IdentityKey {
  platform: Platform;
  workspaceId: string;
  userId: string;
}

export interface LeadSource {
  platform: string | null;
  workspaceId: string | null;
  channelId: string | null;
  campaign: string | null;
}

export interface Lead {
  id: string;
  stage: Stage;
  score: number;
  ownerId: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  consent: boolean;
  consentAt: Date | null;
  /** The manager who invited this person with `qualify` (`<platform>:<userId>`); set when they accept. */
  invitedBy: string | null;
  source: LeadSource;
  /**
   * When the lead first reached MQL / SQL: the time of its first stage change to that stage,
   * set by `changeStage` (src/core/lead-lifecycle.ts); null while it never has. Reporting
   * counts a lead for every stage it ever reached from these and the current stage.
   */
  reachedMqlAt: Date | null;
  reachedSqlAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Identity extends IdentityKey {
  id: string;
  leadId: string;
  username: string | null;
  chatId: string | null;
  createdAt: Date;
}

export interface Conversation {
  id: string;
  leadId: string;
  flowId: string;
  flowVersion: string;
  /** The step waiting for an answer; null once the flow ended. */
  currentStep: string | null;
  status: ConversationStatus;
  platform: Platform;
  workspaceId: string;
  channelId: string;
  variables: Record<string, JsonValue>;
  /** Failed attempts on the current step. */
  attempts: number;
  /** Optimistic-lock version, bumped by every update. */
  version: number;
  startedAt: Date;
  lastActivityAt: Date;
  endedAt: Date | null;
}

export interface Answer {
  id: string;
  conversationId: string;
  stepId: string;
  /** The validated value; null for a rejected attempt. */
  value: JsonValue | null;
  rawText: string;
  attempt: number;
  accepted: boolean;
  createdAt: Date;
}

export interface ScoreContribution {
  id: string;
  leadId: string;
  conversationId: string | null;
  ruleId: string;
  stepId: string | null;
  points: number;
  reason: string;
  createdAt: Date;
}

export interface StageChange {
  id: string;
  leadId: string;
  from: Stage | null;
  to: Stage;
  reason: string;
  /** `engine`, `system`, or the platform user id of a manager (`slack:U123`). */
  actor: string;
  createdAt: Date;
}

export interface OutboxItem {
  id: string;
  kind: string;
  idempotencyKey: string;
  leadId: string | null;
  payload: JsonValue;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  externalRef: string | null;
  lastError: string | null;
  createdAt: Date;
}

export interface Note {
  id: string;
  leadId: string;
  author: string;
  text: string;
  createdAt: Date;
}

export type NewLead = Partial<Omit<Lead, 'id' | 'createdAt' | 'updatedAt' | 'source'>> & {
  source?: Partial<LeadSource>;
};
export type LeadPatch = Partial<Omit<Lead, 'id' | 'createdAt' | 'updatedAt' | 'source'>> & {
  source?: Partial<LeadSource>;
};

export interface NewConversation {
  leadId: string;
  flowId: string;
  flowVersion: string;
  currentStep: string | null;
  platform: Platform;
  workspaceId: string;
  channelId: string;
  variables?: Record<string, JsonValue>;
}

export type ConversationPatch = Partial<
  Pick<Conversation, 'currentStep' | 'status' | 'variables' | 'attempts' | 'lastActivityAt' | 'endedAt'>
>;

export interface LeadFilter {
  stage?: Stage;
  ownerId?: string;
  /** Matches `source.platform` or `source.campaign`. */
  source?: string;
  since?: Date;
  limit?: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Reads and writes of leads and everything hanging off them. Inside
 * {@link LeadStore.transaction} every call joins the one transaction.
 * Ids are generated by the store (sortable, unique across instances).
 */
export interface LeadRepo {
  findIdentity(key: IdentityKey): Promise<Identity | null>;
  /** The lead behind an account, in one read (the per-event lookup). */
  findLeadByIdentity(key: IdentityKey): Promise<Lead | null>;
  /** Creates a lead and its first identity together. */
  createLead(lead: NewLead, identity?: IdentityKey & { username?: string; chatId?: string }): Promise<Lead>;
  addIdentity(
    leadId: string,
    identity: IdentityKey & { username?: string; chatId?: string },
  ): Promise<Identity>;
  listIdentities(leadId: string): Promise<Identity[]>;
  /** Detaches one account from its lead (manager `unlink`); returns whether it existed. */
  removeIdentity(key: IdentityKey): Promise<boolean>;
  getLead(id: string): Promise<Lead | null>;
  updateLead(id: string, patch: LeadPatch): Promise<Lead>;
  listLeads(filter: LeadFilter): Promise<Page<Lead>>;
  /** Erases the lead and every row that belongs to it (identities, conversations, answers, …). */
  deleteLead(id: string): Promise<void>;

  saveFlowVersion(flowId: string, version: string, definition: JsonValue): Promise<void>;
  getFlowVersion(flowId: string, version: string): Promise<JsonValue | null>;

  /** The newest conversation of the lead that is active or abandoned (resumable), if any. */
  findOpenConversation(leadId: string): Promise<Conversation | null>;
  getConversation(id: string): Promise<Conversation | null>;
  listConversations(leadId: string): Promise<Conversation[]>;
  createConversation(input: NewConversation): Promise<Conversation>;
  /**
   * Applies the patch to `conversation` only if the stored version still equals
   * `conversation.version`, and bumps it; returns the conversation as it now is.
   * @throws ConflictError when another writer got there first. Outside a transaction, at once.
   * Inside one, a store may defer the write and its check to the commit: the conflict then
   * rejects the enclosing {@link LeadStore.transaction} or {@link LeadStore.unitOfWork}, never
   * a later call. Callers handle it there (see those methods).
   */
  updateConversation(conversation: Conversation, patch: ConversationPatch): Promise<Conversation>;
  /** Marks active conversations idle since before `before` as abandoned; returns how many. */
  abandonIdleConversations(before: Date): Promise<number>;

  addAnswer(input: Omit<Answer, 'id' | 'createdAt'> & { createdAt?: Date }): Promise<Answer>;
  listAnswers(conversationId: string): Promise<Answer[]>;

  /**
   * Replaces the contributions of one conversation; returns the lead's score afterwards (the
   * sum of all its contributions).
   */
  replaceScoreContributions(
    leadId: string,
    conversationId: string | null,
    items: Omit<ScoreContribution, 'id' | 'leadId' | 'conversationId' | 'createdAt'>[],
  ): Promise<number>;
  listScoreContributions(leadId: string): Promise<ScoreContribution[]>;

  addStageChange(input: Omit<StageChange, 'id' | 'createdAt'> & { createdAt?: Date }): Promise<StageChange>;
  listStageChanges(leadId: string): Promise<StageChange[]>;

  addNote(input: Omit<Note, 'id' | 'createdAt'>): Promise<Note>;
  listNotes(leadId: string): Promise<Note[]>;

  /** Writes an outbox row; a second row with the same key is ignored. Returns whether it was new. */
  enqueueOutbox(input: {
    kind: string;
    idempotencyKey: string;
    leadId?: string | null;
    payload: JsonValue;
  }): Promise<boolean>;

  /** Records a platform event id. Returns false if it was recorded before (a redelivery). */
  markEventProcessed(platform: string, eventId: string): Promise<boolean>;
}

/** A change in a lead's life, as the lifecycle (src/core/lead-lifecycle.ts) announces it. */
export type LeadLifecycleEvent =
  | { kind: 'created'; lead: Lead }
  | { kind: 'stage_changed'; lead: Lead; change: StageChange }
  | { kind: 'disqualified'; lead: Lead; change: StageChange }
  /** A new owner took the lead (`at`: when, so each claim is its own event). */
  | { kind: 'claimed'; lead: Lead; ownerId: string; at: Date }
  /** The lead was erased: only its id is left to say. */
  | { kind: 'forgotten'; leadId: string };

/**
 * Where the lead lifecycle announces its changes. The lifecycle functions (createLead,
 * changeStage, assignOwner, forgetLead) call it with the transaction that makes the change, so
 * what it writes through `tx` (outbox rows) commits or rolls back with the change. Implemented
 * by the webhooks (src/core/webhooks/lead-events.ts: one outbox row per configured endpoint,
 * none without one).
 */
export interface LeadEvents {
  announce(tx: LeadRepo, event: LeadLifecycleEvent): Promise<void>;
}

/** Outbox delivery side: safe with several dispatchers on one database. */
export interface OutboxQueue {
  /**
   * Atomically takes up to `limit` rows that are pending and due (or `sending` with an
   * expired lease), marks them `sending` leased to `workerId` until `now + leaseMs`.
   */
  claim(opts: {
    workerId: string;
    limit: number;
    now: Date;
    leaseMs: number;
    kinds?: string[];
  }): Promise<OutboxItem[]>;
  markDelivered(id: string, workerId: string, externalRef: string | null, now: Date): Promise<void>;
  /** Back to pending at `retryAt`, or `failed` for good when retryAt is null. */
  markFailed(id: string, workerId: string, error: string, retryAt: Date | null): Promise<void>;
  get(id: string): Promise<OutboxItem | null>;
  list(filter?: { status?: OutboxStatus; kind?: string }): Promise<OutboxItem[]>;
  /**
   * Calls `listener` after this process commits new rows, so a dispatcher here can deliver at
   * once instead of at its next poll (other processes still find them by polling). Optional.
   * Returns the unsubscribe function.
   */
  subscribe?(listener: () => void): () => void;
}

/**
 * What a unit of work is about, in the domain's words. A store may use the hints of units that
 * arrive together to load their rows at once; they never change what a unit reads or writes.
 */
export interface WorkHints {
  /** The inbound event the unit handles (the unit records it with `markEventProcessed`). */
  event?: { platform: Platform; eventId: string };
  /** The person whose lead, open conversation and answers the unit reads. */
  person?: IdentityKey;
}

export interface LeadStore extends LeadRepo {
  /**
   * Runs `fn` in one database transaction: everything it writes commits together or not at
   * all, and the promise settles after the commit.
   *
   * Conflicts: a lost race — a conversation version check that fails (now, or at the commit
   * when the store deferred the write), another instance's write conflict, an identity another
   * transaction took (`DUPLICATE`) — rejects this promise with `ConflictError` (or the
   * `DUPLICATE` LeadbotError) after the whole transaction rolled back. The caller handles it
   * here; running `fn` again reads fresh rows.
   */
  transaction<T>(fn: (tx: LeadRepo) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` as one unit of work about `hints` (the engine's unit: one inbound event of one
   * person). Like {@link LeadStore.transaction}: all or nothing, settled after the commit,
   * conflicts reject it after a rollback and are handled by the caller here.
   *
   * How units reach the database is the store's business: it may run several units that
   * arrive together in one transaction, load their rows at once from their hints and write at
   * the commit. So `fn` must act only through `tx` (nothing outside the store) and be safe to
   * run again: when a shared transaction fails, each of its units runs again alone, and each
   * caller gets the outcome of its own unit only.
   */
  unitOfWork<T>(hints: WorkHints, fn: (tx: LeadRepo) => Promise<T>): Promise<T>;
  readonly outbox: OutboxQueue;
  /**
   * Dashboard, `stats` and scoring-report queries. The Prisma store runs them in the database
   * (GROUP BY, LIMIT); the memory store counts in JavaScript with the same rules
   * (src/core/memory/memory-reporting.ts).
   */
  readonly reporting: ReportingQueries;
  /** Scheduled follow-ups (src/core/nurture/). */
  readonly schedules: ScheduleStore;
  /** Rep verdicts on SQL alerts (Claim / Not a fit), read by `leadbot scoring report`. */
  readonly verdicts: VerdictLog;
  /**
   * Contact log, opt-outs and link codes on the same database, shared by every adapter so
   * contact limits hold across platforms and restarts.
   */
  readonly outreach: OutreachStore;
  /**
   * Dashboard login sessions on the same database, so a session holds across restarts and
   * instances and logout revokes it everywhere.
   */
  readonly sessions: SessionStore;
  /** The durable inbox of inbound events (src/core/inbox/). */
  readonly inbox: InboxStore;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface Clock {
  now(): Date;
}

/** The subset of pino the core uses; pino satisfies it, tests can pass a silent one. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** What an adapter calls for every inbound event; returns what to send back. */
export type InboundHandler = (event: InboundEvent) => Promise<OutboundMessage[]>;

/** A chat platform connection. */
export interface ChatAdapter {
  readonly platform: Platform;
  /**
   * Connects and starts delivering events to `handler`. Resolves once connected. Gives up
   * on a platform that does not answer within a bounded time (`PLATFORM_ERROR` naming the
   * variable to check), and rejects with `opts.signal.reason` as soon as that signal aborts
   * (a SIGTERM while starting); the caller then calls `stop()`.
   */
  start(handler: InboundHandler, opts?: { signal?: AbortSignal }): Promise<void>;
  stop(): Promise<void>;
  /** Sends messages not triggered by an inbound event (reminders, consent prompts). */
  send?(target: { workspaceId: string; channelId: string }, messages: OutboundMessage[]): Promise<void>;
  /**
   * Whether the platform connection is up right now (gateway, long polling), for `/readyz`.
   * Optional: an adapter without it counts as connected from `start` until `stop`.
   */
  isConnected?(): boolean;
}

/** The content of a sales alert, platform-neutral; the sink renders and escapes it. */
export interface AlertPayload {
  leadId: string;
  name: string | null;
  company: string | null;
  email: string | null;
  platform: string | null;
  source: LeadSource;
  stage: Stage;
  score: number;
  reason: string;
  answers: { stepId: string; question: string; answer: string }[];
  breakdown: { ruleId: string; points: number; reason: string }[];
  conversationId: string | null;
}

/** Where sales alerts go (Slack channel, or Discord/Telegram). */
export interface AlertSink {
  readonly name: string;
  /**
   * Posts the alert. Must be idempotent per `idempotencyKey`: if a message with this key
   * was already posted (the process died before marking it), return its reference instead.
   */
  deliver(alert: AlertPayload, idempotencyKey: string): Promise<{ externalRef: string }>;
}

export type { ChoiceOption };

/**
 * Bookkeeping of how the bot approaches people (src/core/outreach/): bot-initiated contacts
 * (for contact limits and cooldowns), opt-outs (`stop`) and one-time identity link codes.
 * A person is named by a key: `lead:<leadId>` once a lead exists, and `<platform>:<workspace>:<user>`
 * for each account, so limits and opt-outs hold across linked platforms.
 */
export interface OutreachStore {
  /** Notes one bot-initiated message (consent prompt, offer, DM) to `person`. */
  recordContact(input: {
    persons: string[];
    kind: string;
    platform: Platform;
    channelId: string;
    at: Date;
  }): Promise<void>;
  /** Bot-initiated messages to any of `persons` since `since`. */
  countContacts(persons: string[], since: Date): Promise<number>;
  /** When the bot last approached anyone in `channelId` with a message of `kind`, if ever. */
  lastContactInChannel(channelId: string, kind: string): Promise<Date | null>;
  /** When the bot last approached any of `persons` with a message of `kind`, if ever. */
  lastContactOf(persons: string[], kind: string): Promise<Date | null>;
  setOptOut(person: string, at: Date): Promise<void>;
  clearOptOut(persons: string[]): Promise<void>;
  isOptedOut(persons: string[]): Promise<boolean>;
  /** Stores a one-time link code for a lead (replacing the lead's previous code). */
  saveLinkCode(input: { code: string; leadId: string; expiresAt: Date }): Promise<void>;
  /** Returns and deletes the code's lead if the code exists and has not expired. */
  takeLinkCode(code: string, now: Date): Promise<{ leadId: string } | null>;
  /** Erases every row about these persons and this lead (forget). */
  erase(persons: string[], leadId: string | null): Promise<void>;
}

export type ScheduleKind = 'reminder' | 'nurture' | 'reengage';
export type ScheduleStatus = 'pending' | 'sending' | 'sent' | 'cancelled' | 'skipped';

/** A message the bot plans to send later (src/core/nurture/). */
export interface ScheduledMessage {
  id: string;
  /** Unique per purpose, so planning twice writes one row (`reminder:<conv>:<n>`, `reengage:<lead>`). */
  key: string;
  leadId: string;
  kind: ScheduleKind;
  conversationId: string | null;
  platform: Platform;
  workspaceId: string;
  channelId: string;
  /** Which message of a sequence: reminder number (1-based), nurture index (0-based). */
  sequence: number;
  dueAt: Date;
  status: ScheduleStatus;
  attempts: number;
  /** The lead's last activity when planned: activity after it means the person engaged. */
  basis: Date | null;
  /** Why it ended: `sent`, `stopped`, `quiet_hours`, `limit`, `engaged`, … */
  outcome: string | null;
  doneAt: Date | null;
  createdAt: Date;
}

export type NewScheduledMessage = Pick<
  ScheduledMessage,
  'key' | 'leadId' | 'kind' | 'platform' | 'workspaceId' | 'channelId' | 'sequence' | 'dueAt'
> & { conversationId?: string | null; basis?: Date | null };

/**
 * Scheduled messages, safe with several runners on one database: rows are leased through
 * {@link ScheduleStore.claim} exactly like outbox rows, so each fires once.
 */
export interface ScheduleStore {
  /** Inserts the row unless one with its key exists; returns whether it was new. */
  plan(input: NewScheduledMessage): Promise<boolean>;
  /** Leases up to `limit` due pending rows (or `sending` rows whose lease expired). */
  claim(opts: { workerId: string; limit: number; now: Date; leaseMs: number }): Promise<ScheduledMessage[]>;
  /** Ends a leased row (`sent`, `skipped`, `cancelled`) with an outcome; ignored if the lease was lost. */
  finish(
    id: string,
    workerId: string,
    status: 'sent' | 'skipped' | 'cancelled',
    outcome: string,
    now: Date,
  ): Promise<void>;
  /**
   * Hands a leased row back as pending, due at `dueAt` (quiet hours, transient send failure);
   * `basis` replaces the planned activity basis when given.
   */
  postpone(id: string, workerId: string, dueAt: Date, outcome: string, basis?: Date): Promise<void>;
  /** Cancels the lead's pending rows (of `kinds`, or all); returns how many. */
  cancelPending(leadId: string, reason: string, now: Date, kinds?: ScheduleKind[]): Promise<number>;
  /** Every row of a lead, oldest due first (the lead card shows them). */
  listForLead(leadId: string): Promise<ScheduledMessage[]>;
}

export type Verdict = 'claimed' | 'rejected';

/** A sales rep's verdict on an SQL alert (Claim / Not a fit). */
export interface RepVerdict {
  id: string;
  leadId: string;
  verdict: Verdict;
  actor: string;
  reason: string | null;
  createdAt: Date;
}

/** Stored rep verdicts, read by `leadbot scoring report`. */
export interface VerdictLog {
  record(input: Omit<RepVerdict, 'id' | 'createdAt'> & { createdAt?: Date }): Promise<RepVerdict>;
  /** Every verdict, oldest first (a lead may have several; the newest counts). */
  list(): Promise<RepVerdict[]>;
  /** One lead's verdicts, oldest first (the lead card and dashboard lead page show them). */
  listForLead(leadId: string): Promise<RepVerdict[]>;
}

/**
 * Dashboard login sessions (src/app/web/auth.ts). The store only ever sees a hash of the random
 * session id the cookie carries, so its rows cannot be replayed as cookies.
 */
export interface SessionStore {
  /** Stores a new session. */
  create(session: { idHash: string; now: Date; expiresAt: Date }): Promise<void>;
  /**
   * When the session exists and has not expired at `now`, moves its expiry to `expiresAt`
   * (sliding expiry) and returns true; otherwise false. One atomic step.
   */
  touch(idHash: string, now: Date, expiresAt: Date): Promise<boolean>;
  /** Deletes the session (logout); an unknown id is ignored. */
  revoke(idHash: string): Promise<void>;
  /** Deletes the sessions that expired before `now`; returns how many. */
  prune(now: Date): Promise<number>;
}

export type InboxStatus = 'pending' | 'processed' | 'failed';

/** One inbound platform event as the inbox stores it (src/core/inbox/). */
export interface InboxEntry {
  id: string;
  platform: string;
  /** The platform's id of the delivery; a redelivery carries the same one. */
  eventId: string;
  /** The raw event (JSON text) while pending or failed; null once processed. */
  payload: string | null;
  status: InboxStatus;
  receivedAt: Date;
  /** While pending: when the row may be claimed (end of its lease or of its backoff). */
  nextAttemptAt: Date;
  /** The instance holding the lease; null when nobody does. */
  lockedBy: string | null;
  attempts: number;
  lastError: string | null;
  /** What processing answered when no request waited for it (a replayed web chat event). */
  result: JsonValue | null;
  processedAt: Date | null;
}

/** A lease request: who takes rows, from when, for how long. */
export interface InboxLease {
  workerId: string;
  now: Date;
  leaseMs: number;
}

/**
 * Storage of the durable inbox, safe with several instances on one database: rows are taken
 * with leases exactly like outbox rows, so one row is processed by one instance at a time.
 */
export interface InboxStore {
  /**
   * Stores an event, already leased to `workerId` (the receiver processes it at once), in one
   * statement. Returns the new row, or null when `(platform, eventId)` is already stored.
   */
  receive(
    input: InboxLease & { platform: string; eventId: string; payload: string },
  ): Promise<InboxEntry | null>;
  /** Leases up to `limit` pending rows of `platforms` that are due, oldest received first. */
  claim(opts: InboxLease & { limit: number; platforms: readonly string[] }): Promise<InboxEntry[]>;
  /**
   * Leases one pending row that nobody holds (never leased, lease expired, or waiting for a
   * retry) — or, with `force`, that another worker holds — for a client that resends it. A row
   * `workerId` itself holds is being processed right here: never taken. Otherwise returns the
   * row as it is (`claimed: false`), or null when it does not exist.
   */
  retake(
    opts: InboxLease & { platform: string; eventId: string; force?: boolean },
  ): Promise<{ claimed: boolean; entry: InboxEntry } | null>;
  /** Marks a pending row processed (whoever holds it: the work is done) and drops its payload. */
  markProcessed(id: string, now: Date, result?: JsonValue): Promise<void>;
  /**
   * Records a failure of `workerId`'s lease: pending again from `retryAt`, or `failed` for good
   * (processed at `now`) when retryAt is null. Ignored when the lease was lost.
   */
  markFailed(id: string, workerId: string, error: string, retryAt: Date | null, now: Date): Promise<void>;
  get(platform: string, eventId: string): Promise<InboxEntry | null>;
  /**
   * Deletes up to `limit` processed or failed rows processed before `before`, and up to `limit`
   * `ProcessedEvent` de-duplication rows recorded before it. Returns how many of each went.
   */
  prune(before: Date, limit: number): Promise<{ inbox: number; events: number }>;
}
