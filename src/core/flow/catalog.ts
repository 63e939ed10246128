/** The flows the engine can start, by id (each at its current version). */
import { LeadbotError } from '../errors.ts';
import type { Flow } from './validate.ts';

export interface FlowCatalog {
  /** The current version of a flow, if loaded. */
  get(flowId: string): Flow | undefined;
  list(): Flow[];
  /** The flow used when no other is asked for (the only one, or `default`). */
  readonly defaultFlowId: string;
}

/**
 * Builds a catalog from validated flows.
 * @throws LeadbotError FLOW_INVALID on duplicate ids, an empty list or an unknown default.
 */
export function createFlowCatalog(flows: Flow[], defaultFlowId?: string): FlowCatalog {
  const byId = new Map<string, Flow>();
  for (const f of flows) {
    if (byId.has(f.id)) throw new LeadbotError('FLOW_INVALID', `two flows share the id "${f.id}"`);
    byId.set(f.id, f);
  }
  if (byId.size === 0) throw new LeadbotError('FLOW_INVALID', 'no flow loaded');
  const fallback = byId.has('default') ? 'default' : flows[0]!.id;
  const id = defaultFlowId ?? fallback;
  if (!byId.has(id)) throw new LeadbotError('FLOW_INVALID', `default flow "${id}" is not loaded`);
  return { get: (flowId) => byId.get(flowId), list: () => [...byId.values()], defaultFlowId: id };
}
