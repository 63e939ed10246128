/**
 * Ids for every row the store creates: UUIDv7 is time-ordered (good index locality, and
 * "newest first" follows the id) and unique across instances without coordination.
 */
import { uuidv7 } from 'uuidv7';

/** A new time-ordered unique id. */
export function newId(): string {
  return uuidv7();
}
