/**
 * The outreach store an adapter's community services run on: the one the composition root
 * passes (`deps.outreach`, shared by every adapter), else the store's own (`store.outreach`,
 * which every `LeadStore` offers). Never one kept in process memory: contact limits and
 * opt-outs must hold across platforms, instances and restarts.
 */
import type { LeadStore, OutreachStore } from '../../src/core/ports/index.ts';
import type { AdapterDeps } from './types.ts';

/** The outreach store for an adapter given `store`. */
export function outreachOf(deps: AdapterDeps, store: LeadStore): OutreachStore {
  return deps.outreach ?? store.outreach;
}
