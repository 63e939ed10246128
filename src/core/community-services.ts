/**
 * What an adapter needs to serve a community beyond the qualification engine, built once per
 * adapter: the manager commands, the contact policy, the person's own commands (`stop`,
 * `forget me`, `link`) in front of the engine, and the stores and clock the use cases run on
 * (src/core/sales/, src/core/outreach/accept-invitation.ts, offer-on-intent.ts). Every store is
 * passed in: there is no fallback, so a composition root that forgets one fails at start.
 */
import { createManagerCommands, type ManagerCommands } from './commands/index.ts';
import type { ManagerPermissions } from './commands/types.ts';
import { type ContactPolicy, createContactPolicy } from './outreach/contact-policy.ts';
import { withPersonCommands } from './outreach/person-handler.ts';
import type { OutreachSettings } from './outreach/settings.ts';
import type {
  AnswerInterpreter,
  Clock,
  InboundHandler,
  LeadEvents,
  LeadStore,
  OutreachStore,
} from './ports/index.ts';

export interface CommunityServices {
  readonly store: LeadStore;
  /** Where claims, stage changes and erasures are announced (src/core/lead-lifecycle.ts). */
  readonly leadEvents: LeadEvents;
  /** Contact log, opt-outs and link codes, shared by every adapter (limits hold across platforms). */
  readonly outreach: OutreachStore;
  readonly clock: Clock;
  readonly contactPolicy: ContactPolicy;
  readonly managerCommands: ManagerCommands;
  /** The optional model that also reads public messages for buying intent (offer-on-intent.ts). */
  readonly interpreter?: AnswerInterpreter | undefined;
  /** The engine's handler with `stop`, `forget me` and `link` answered in front of it. */
  withPersonCommands(handler: InboundHandler): InboundHandler;
}

/** Builds the services of one community (one adapter's settings and manager rules). */
export function createCommunityServices(deps: {
  store: LeadStore;
  leadEvents: LeadEvents;
  outreach: OutreachStore;
  clock: Clock;
  settings: OutreachSettings;
  permissions: ManagerPermissions;
  interpreter?: AnswerInterpreter | undefined;
}): CommunityServices {
  const { store, leadEvents, outreach, clock } = deps;
  const contactPolicy = createContactPolicy({ store, outreach, clock, settings: deps.settings });
  return {
    store,
    leadEvents,
    outreach,
    clock,
    contactPolicy,
    interpreter: deps.interpreter,
    managerCommands: createManagerCommands({
      store,
      leadEvents,
      outreach,
      contactPolicy,
      clock,
      permissions: deps.permissions,
    }),
    withPersonCommands: (handler) =>
      withPersonCommands(handler, { store, leadEvents, outreach, contactPolicy, clock }),
  };
}
