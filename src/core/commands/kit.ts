/**
 * Everything an adapter needs for managers and outreach, built in one call: the command
 * layer, the outreach gate, and the wrapper adding `stop` / `forget me` / `link` to the
 * engine's handler.
 */
import { createMemoryOutreachStore } from '../memory/memory-outreach.ts';
import { createOutreachGate, type OutreachGate } from '../outreach/gate.ts';
import { withPersonCommands } from '../outreach/person-handler.ts';
import type { OutreachSettings } from '../outreach/settings.ts';
import type { Clock, InboundHandler, LeadEvents, LeadStore, OutreachStore } from '../ports/index.ts';
import { type CommandLayer, createCommandLayer } from './index.ts';
import type { ManagerPermissions } from './types.ts';

export interface ManagerKit {
  layer: CommandLayer;
  leadEvents: LeadEvents;
  gate: OutreachGate;
  outreach: OutreachStore;
  store: LeadStore;
  clock: Clock;
  wrap(handler: InboundHandler): InboundHandler;
}

export function createManagerKit(deps: {
  store: LeadStore;
  leadEvents: LeadEvents;
  outreach?: OutreachStore;
  clock: Clock;
  settings: OutreachSettings;
  permissions: ManagerPermissions;
}): ManagerKit {
  const { store, clock, leadEvents } = deps;
  const outreach = deps.outreach ?? createMemoryOutreachStore();
  const gate = createOutreachGate({ store, outreach, clock, settings: deps.settings });
  const layer = createCommandLayer({
    store,
    leadEvents,
    outreach,
    gate,
    clock,
    permissions: deps.permissions,
  });
  return {
    layer,
    leadEvents,
    gate,
    outreach,
    store,
    clock,
    wrap: (handler) => withPersonCommands(handler, { store, leadEvents, outreach, gate, clock }),
  };
}
