/**
 * A byte cap on request bodies, enforced by the server for every route — also for the routes
 * whose handler hands the raw request to an SDK (bolt, grammY) and for a GET nobody reads.
 *
 * Node's HTTP parser hands a request's body to its `IncomingMessage` with `push`, as every
 * Readable receives its data; `createServer({ IncomingMessage })` is the documented way to
 * supply a subclass. {@link CappedRequest} counts what is pushed and, past its cap, stops
 * passing data on — including the end of the body, so a handler never mistakes a cut body for
 * a whole one — and lets the server answer 413.
 */
import { IncomingMessage } from 'node:http';

export interface BodyCap {
  /** The most body bytes the route accepts. */
  max: number;
  /** Called once, when the body goes past `max`. */
  onOver(): void;
}

/** Emitted by a cut request once the rest of its body has arrived and been dropped. */
export const BODY_DROPPED = 'leadbot:body-dropped';

export class CappedRequest extends IncomingMessage {
  #cap: BodyCap | undefined;
  #seen = 0;
  #cut = false;
  #refused = false;

  /** Sets the cap; the router calls this before any of the body has arrived. */
  capBody(cap: BodyCap): void {
    this.#cap = cap;
  }

  /** True once the body went past its cap (what follows is dropped). */
  get cut(): boolean {
    return this.#cut;
  }

  /** True when the body was refused on its declared length, before any of it was read. */
  get refused(): boolean {
    return this.#refused;
  }

  /** Marks the body as refused without reading it (the declared length was over the cap). */
  refuse(): void {
    this.#cut = true;
    this.#refused = true;
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    // Dropped, not paused: the client's bytes are read and thrown away until the server closes
    // the connection, so the 413 can still reach it.
    if (this.#cut) {
      if (chunk !== null) return true;
      this.emit(BODY_DROPPED);
      // Refused before any handler saw it: the request may end like any other, so the
      // connection stays a normal keep-alive one (closing it raced the client's last write).
      // A body cut midway never ends: a handler reading it must not take it for a whole one.
      return this.#refused ? super.push(null) : true;
    }
    if (this.#cap && chunk !== null && chunk !== undefined) {
      this.#seen += (chunk as { length: number }).length;
      if (this.#seen > this.#cap.max) {
        this.#cut = true;
        this.#cap.onOver();
        return true;
      }
    }
    return super.push(chunk, encoding);
  }
}
