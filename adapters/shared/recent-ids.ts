/**
 * A bounded set of recently seen event ids: the cheap first line against a platform's
 * redeliveries, before the engine's durable (platform, eventId) check. Oldest forgotten first.
 */
export class RecentIds<T = string> {
  private readonly ids = new Set<T>();
  constructor(private readonly capacity: number) {}

  /** Adds the id; false if it was already there. */
  add(id: T): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }

  /** Forgets the id, so a redelivery is handled again (after a failure). */
  delete(id: T): void {
    this.ids.delete(id);
  }
}
