/**
 * A bounded set of keys: once `max` keys are held, adding one drops the oldest. For facts a
 * process may remember to skip a read, where forgetting one only costs that read again.
 */
export class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly max: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    if (this.keys.has(key)) return;
    if (this.keys.size >= this.max) this.keys.delete(this.keys.values().next().value as string);
    this.keys.add(key);
  }

  get size(): number {
    return this.keys.size;
  }
}
