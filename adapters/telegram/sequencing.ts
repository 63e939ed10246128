/**
 * Two small in-memory helpers for update processing: a bounded set of recently seen update
 * ids (cheap first line against redeliveries), and a per-chat queue so two updates of one
 * chat never race each other through the engine (webhook calls can arrive concurrently).
 */

/** Remembers the last `capacity` ids; oldest forgotten first. */
export class RecentIds {
  private readonly ids = new Set<number>();
  constructor(private readonly capacity: number) {}

  /** Adds the id; false if it was already there. */
  add(id: number): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }

  delete(id: number): void {
    this.ids.delete(id);
  }
}

/** Runs tasks one after another per key, concurrently across keys. */
export class SerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.tails.set(key, next);
    void next
      .catch(() => undefined)
      .finally(() => {
        if (this.tails.get(key) === next) this.tails.delete(key);
      });
    return next;
  }

  /** Resolves once every queued task settled. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
  }
}
