/**
 * Writes to the memory tables that can be undone: each one records its inverse in the
 * transaction's {@link Journal}, which a rollback replays backwards. The base of
 * {@link MemoryRepo}; also the listing cursor of its leads.
 */
import { LeadbotError } from '../errors.ts';
import type { Lead } from '../ports/index.ts';
import type { Journal, MemoryTables } from './memory-state.ts';

export abstract class JournaledTables {
  constructor(
    /** Read through this on every call: a rolled-back transaction swaps the whole state object. */
    protected readonly tables: () => MemoryTables,
    protected readonly journal: Journal,
  ) {}

  /** Map write with its inverse in the journal. */
  protected put<K, V>(map: Map<K, V>, key: K, value: V): void {
    const had = map.has(key);
    const before = map.get(key);
    map.set(key, value);
    this.journal.record(() => (had ? map.set(key, before as V) : map.delete(key)));
  }

  protected remove<K, V>(map: Map<K, V>, key: K): boolean {
    if (!map.has(key)) return false;
    const before = map.get(key) as V;
    map.delete(key);
    this.journal.record(() => map.set(key, before));
    return true;
  }

  protected append<T>(rows: T[], ...added: T[]): void {
    rows.push(...added);
    this.journal.record(() => {
      rows.length -= added.length;
    });
  }

  protected replace<K extends 'answers' | 'contributions' | 'stageChanges' | 'notes'>(
    name: K,
    rows: MemoryTables[K],
  ): void {
    const t = this.tables();
    const before = t[name];
    t[name] = rows;
    this.journal.record(() => {
      t[name] = before;
    });
  }

  protected requireLead(id: string): Lead {
    const lead = this.tables().leads.get(id);
    if (!lead) throw new LeadbotError('NOT_FOUND', `lead ${id} not found`);
    return lead;
  }
}

/** The opaque cursor after `lead` in a listing. */
export function encodeCursor(lead: Lead): string {
  return `${lead.createdAt.getTime()}_${lead.id}`;
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const at = cursor.indexOf('_');
  const createdAt = new Date(Number(cursor.slice(0, at)));
  // Cursors come back from users (CLI, web); a mangled one is their error, not page one.
  if (at <= 0 || Number.isNaN(createdAt.getTime()))
    throw new LeadbotError('BAD_INPUT', 'invalid page cursor');
  return { createdAt, id: cursor.slice(at + 1) };
}
