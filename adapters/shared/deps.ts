/**
 * Dependencies an adapter needs for what it is configured to do. The composition root passes
 * them; one that is missing is a startup error naming it, never a silent stand-in (a memory
 * inbox that survives no crash, webhooks that are never written).
 */
import { LeadbotError } from '../../src/core/errors.ts';
import type { AdapterDeps } from './types.ts';

/**
 * `deps[key]`, or a CONFIG_INVALID error saying which adapter needs it and why.
 * @throws LeadbotError CONFIG_INVALID when the composition root did not pass it.
 */
export function requireDep<K extends keyof AdapterDeps>(
  deps: AdapterDeps,
  key: K,
  adapter: string,
  why: string,
): NonNullable<AdapterDeps[K]> {
  const value = deps[key];
  if (value === undefined || value === null)
    throw new LeadbotError('CONFIG_INVALID', `the ${adapter} adapter needs \`${String(key)}\`: ${why}`);
  return value as NonNullable<AdapterDeps[K]>;
}

/** The durable inbox (Slack HTTP, the Telegram webhook and the web chat store every event in it). */
export const requireInbox = (deps: AdapterDeps, adapter: string) =>
  requireDep(
    deps,
    'inbox',
    adapter,
    'the durable inbox each inbound event is stored in before it is processed',
  );

/** The lead events an adapter with a store announces to (claims, stage changes, erasures made there). */
export const requireLeadEvents = (deps: AdapterDeps, adapter: string) =>
  requireDep(deps, 'leadEvents', adapter, 'claims, stage changes and erasures made here are announced to it');

/** The per-client budgets of a public route (the web chat answers anyone on the internet). */
export const requireLimits = (deps: AdapterDeps, adapter: string) =>
  requireDep(
    deps,
    'limits',
    adapter,
    'its public routes are rate-limited per client (src/app/rate-limits.ts)',
  );
