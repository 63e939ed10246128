/**
 * The per-lead call budget, counted in this process (each instance counts its own calls; with N
 * instances a lead may cost up to N × the budget). Bounded: the least recently seen people are
 * forgotten beyond `maxPeople`, which only ever gives a forgotten person a fresh budget.
 */
export class CallBudget {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly perPerson: number,
    private readonly maxPeople = 50_000,
  ) {}

  /** Takes one call from `key`'s budget; false when it is spent. */
  take(key: string): boolean {
    const n = this.used.get(key) ?? 0;
    if (n >= this.perPerson) return false;
    this.used.delete(key); // re-inserted last: Map order is the recency order
    this.used.set(key, n + 1);
    if (this.used.size > this.maxPeople) this.used.delete(this.used.keys().next().value!);
    return true;
  }
}
