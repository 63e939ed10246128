/** Stores for the outbox tests, resolved at run time (they land from another work stream). */
import type { LeadStore } from '../../../src/core/ports.ts';

/** A fresh in-memory store. */
export async function memoryStore(): Promise<LeadStore> {
  const path = '../../../src/core/memory/memory-store.ts';
  const mod = (await import(path)) as { createMemoryStore: () => LeadStore };
  return mod.createMemoryStore();
}
