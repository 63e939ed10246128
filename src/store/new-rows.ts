/**
 * Rows a transaction creates — a new person's lead, its first account, a conversation — kept
 * until its end and inserted with its other deferred writes (write-buffer.ts): on PostgreSQL in
 * the same one statement, on SQLite as one multi-row insert per table. A new person's first
 * event cost three more statements than a known person's (lead, account, conversation, one
 * round trip each inside the group's transaction); under load each of them also costs the
 * database a statement of its own, and a burst of new people queued every unit behind them.
 *
 * Until then the transaction's view (prisma-tx-view.ts) answers for them: a later change to a
 * new row changes the row to insert (nobody else can see it yet), and every other statement of
 * the transaction first inserts what is pending ({@link flushingFirst}), so a foreign key or a
 * read never misses a new row. An account another instance created meanwhile fails the insert
 * at the end as it failed at once before: the unit of work is rejected with `DUPLICATE` and the
 * engine runs the event again.
 */
import type { Conversation } from '../core/ports/index.ts';

export interface NewRows {
  /** Lead id → the row to insert (later changes in the transaction merged in). */
  leads: Map<string, Record<string, unknown>>;
  /** Accounts of new leads. */
  identities: Record<string, unknown>[];
  /** Conversation id → the row to insert, as it stands. */
  conversations: Map<string, Conversation>;
}

export const createNewRows = (): NewRows => ({ leads: new Map(), identities: [], conversations: new Map() });

export const hasNewRows = (rows: NewRows): boolean =>
  rows.leads.size > 0 || rows.identities.length > 0 || rows.conversations.size > 0;

type Fn = (...args: unknown[]) => Promise<unknown>;

/**
 * `target` whose every method (those of its nested objects too: handoffs, notes, profiles…)
 * first runs `flush`: for the statements the view does not answer itself.
 */
export function flushingFirst<T extends object>(target: T, flush: () => Promise<void>): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    if (typeof value === 'function') {
      wrapped[name] = async (...args: unknown[]) => {
        await flush();
        return (value as Fn).apply(target, args);
      };
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      wrapped[name] = flushingFirst(value as object, flush);
    } else {
      wrapped[name] = value;
    }
  }
  return wrapped as T;
}
