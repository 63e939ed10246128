import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import type { LeadRepo } from '../../src/core/ports/index.ts';
import { createGroupCommit, type RunTransaction } from '../../src/store/group-commit.ts';

/** The memory store, counting transactions and holding each commit until `release()`. */
function heldStore() {
  const store = createMemoryStore();
  let transactions = 0;
  let release!: () => void;
  let held = new Promise<void>((r) => {
    release = r;
  });
  const wrapped: RunTransaction<LeadRepo> = (fn) =>
    store.transaction(async (tx) => {
      transactions += 1;
      const out = await fn(tx);
      await held; // the "commit" waits here
      return out;
    });
  return {
    store,
    wrapped,
    transactions: () => transactions,
    release() {
      release();
      held = Promise.resolve();
    },
  };
}

const createLead = (name: string) => (tx: LeadRepo) => tx.createLead({ name });

describe('group commit', () => {
  it('runs units queued together in one transaction and answers each only after it commits', async () => {
    const h = heldStore();
    const prepared: string[][] = [];
    const commits = createGroupCommit<LeadRepo, string>(h.wrapped, {
      writers: 1,
      maxGroup: 32,
      prepare: async (_tx: LeadRepo, hints: string[]) => {
        prepared.push(hints);
      },
    });
    const settled: string[] = [];
    const runs = ['a', 'b', 'c'].map((n) => commits.run(createLead(n), n).then((l) => settled.push(l.name!)));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toEqual([]); // nothing acknowledged before the commit
    h.release();
    await Promise.all(runs);
    expect(settled).toEqual(['a', 'b', 'c']);
    expect(h.transactions()).toBe(1);
    expect(prepared).toEqual([['a', 'b', 'c']]); // the group's hints, once, in its transaction
    expect((await h.store.listLeads({})).items).toHaveLength(3);
  });

  it('groups what arrives while the writer is busy, up to maxGroup per transaction', async () => {
    const h = heldStore();
    const commits = createGroupCommit<LeadRepo, string>(h.wrapped, { writers: 1, maxGroup: 4 });
    const first = commits.run(createLead('first'), 'first');
    await new Promise((r) => setTimeout(r, 5)); // the first group is in its transaction now
    const rest = Array.from({ length: 10 }, (_, i) => commits.run(createLead(`n${i}`), `n${i}`));
    h.release();
    await Promise.all([first, ...rest]);
    // 1 (first) + 4 + 4 + 2
    expect(h.transactions()).toBe(4);
    expect((await h.store.listLeads({ limit: 100 })).items).toHaveLength(11);
  });

  it('a failing unit rolls its group back; the others commit on their own, it alone fails', async () => {
    const h = heldStore();
    h.release();
    const commits = createGroupCommit<LeadRepo, string>(h.wrapped, { writers: 1, maxGroup: 32 });
    const boom = new Error('boom');
    const results = await Promise.allSettled([
      commits.run(createLead('a'), 'a'),
      commits.run(async (tx) => {
        await tx.createLead({ name: 'half-written' });
        throw boom;
      }, 'b'),
      commits.run(createLead('c'), 'c'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBe(boom);
    const names = (await h.store.listLeads({})).items.map((l) => l.name).sort();
    expect(names).toEqual(['a', 'c']); // nothing of the failed unit, nothing twice
    // one shared attempt, then one transaction per unit
    expect(h.transactions()).toBe(4);
  });
});
