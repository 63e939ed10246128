/**
 * How a flow snapshot is kept in `FlowVersion.definition`. A flow's meaning depends on the order
 * of its keys (the first step is the start, a step without `next` goes to the one after it),
 * and PostgreSQL's `jsonb` reorders object keys (by length, then bytes). So the definition is
 * stored as its JSON text inside a one-key object, which both databases keep as written.
 * Rows written before this wrapping are read as they are.
 */
import type { JsonValue } from '../core/ports/index.ts';

const KEY = 'leadbotFlowJson';

/** The column value for a flow definition. */
export function encodeFlowSnapshot(definition: JsonValue): JsonValue {
  return { [KEY]: JSON.stringify(definition) };
}

/** The flow definition from a column value (wrapped, or an older unwrapped row). */
export function decodeFlowSnapshot(stored: JsonValue | null): JsonValue | null {
  if (stored && typeof stored === 'object' && !Array.isArray(stored)) {
    const text = stored[KEY];
    if (typeof text === 'string' && Object.keys(stored).length === 1) return JSON.parse(text) as JsonValue;
  }
  return stored;
}
