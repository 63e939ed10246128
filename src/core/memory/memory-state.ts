/**
 * The tables of the in-memory store. Kept as plain arrays and maps so a transaction can
 * snapshot the whole state with `structuredClone` and put it back on rollback.
 */
import type {
  Answer,
  Conversation,
  Handoff,
  Identity,
  JsonValue,
  Lead,
  Note,
  OutboxItem,
  ScoreContribution,
  StageChange,
  TranscriptMessage,
} from '../ports/index.ts';

export interface OutboxRow extends OutboxItem {
  lockedBy: string | null;
  lockedUntil: Date | null;
}

export interface MemoryTables {
  leads: Map<string, Lead>;
  identities: Map<string, Identity>;
  flows: Map<string, JsonValue>;
  conversations: Map<string, Conversation>;
  answers: Answer[];
  contributions: ScoreContribution[];
  stageChanges: StageChange[];
  notes: Note[];
  outbox: Map<string, OutboxRow>;
  /** De-duplication rows (`platform\u0000eventId`) and when they were recorded. */
  events: Map<string, Date>;
  handoffs: Map<string, Handoff>;
  transcript: Map<string, TranscriptMessage>;
}

export function emptyTables(): MemoryTables {
  return {
    leads: new Map(),
    identities: new Map(),
    flows: new Map(),
    conversations: new Map(),
    answers: [],
    contributions: [],
    stageChanges: [],
    notes: [],
    outbox: new Map(),
    events: new Map(),
    handoffs: new Map(),
    transcript: new Map(),
  };
}

/** Values leave the store as copies so callers can never mutate stored rows. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}

/**
 * Sortable unique ids: a millisecond timestamp plus a per-process counter, so rows sort by
 * creation order like the UUIDv7 ids of the Prisma store.
 */
let counter = 0;
export function newId(): string {
  counter = (counter + 1) % 0xffffff;
  return `${Date.now().toString(16).padStart(12, '0')}-${counter.toString(16).padStart(6, '0')}-${Math.random().toString(16).slice(2, 8)}`;
}

/**
 * Undo log of the writes of the transaction in progress: rolling back replays the inverse
 * operations in reverse order. Costs O(writes), where a snapshot would cost O(all rows).
 */
export class Journal {
  private undo: (() => void)[] = [];

  record(inverse: () => void): void {
    this.undo.push(inverse);
  }

  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]!();
    this.undo = [];
  }

  commit(): void {
    this.undo = [];
  }
}
