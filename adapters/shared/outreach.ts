/**
 * The outreach store an adapter's community services run on: the one the composition root
 * passes (`deps.outreach`, shared by every adapter), else the store's own (`store.outreach`).
 * There is no process-local fallback: contact limits and opt-outs kept in one process's memory
 * would not hold across platforms, instances or restarts, so a store without one is refused.
 */
import { LeadbotError } from '../../src/core/errors.ts';
import type { OutreachStore } from '../../src/core/ports.ts';
import type { AdapterDeps } from './types.ts';

/**
 * The outreach store for an adapter given a lead store.
 * @throws LeadbotError CONFIG_INVALID when neither `deps.outreach` nor `deps.store.outreach` exists.
 */
export function outreachOf(deps: AdapterDeps, platform: string): OutreachStore {
  const outreach = deps.outreach ?? deps.store?.outreach;
  if (outreach) return outreach;
  throw new LeadbotError('CONFIG_INVALID', `${platform} adapter: the lead store has no outreach store`, {
    userMessage: `The ${platform} adapter needs an outreach store (contact limits, opt-outs) with its lead store: pass deps.outreach, or a store that has one.`,
  });
}
