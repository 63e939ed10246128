/** The manager commands over a fresh memory store, with a controllable clock and manager list. */
import { createManagerCommands } from '../../../src/core/commands/index.ts';
import type { CommandArg, CommandContext } from '../../../src/core/commands/types.ts';
import { createMemoryOutreachStore } from '../../../src/core/memory/memory-outreach.ts';
import { createMemoryStore } from '../../../src/core/memory/memory-store.ts';
import { createContactPolicy } from '../../../src/core/outreach/contact-policy.ts';
import { defaultOutreachSettings, type OutreachSettings } from '../../../src/core/outreach/settings.ts';
import { NO_LEAD_EVENTS } from '../../../src/core/webhooks/lead-events.ts';
import { createTestClock } from '../../helpers/engine.ts';

export function setup(opts: { managers?: string[]; settings?: Partial<OutreachSettings> } = {}) {
  const store = createMemoryStore();
  const outreach = createMemoryOutreachStore();
  const clock = createTestClock(new Date('2026-03-02T12:00:00.000Z'));
  const settings = { ...defaultOutreachSettings(), ...opts.settings };
  const contactPolicy = createContactPolicy({ store, outreach, clock, settings });
  const managers = new Set(opts.managers ?? ['UMGR']);
  const leadEvents = NO_LEAD_EVENTS;
  const commands = createManagerCommands({
    store,
    leadEvents,
    outreach,
    contactPolicy,
    clock,
    permissions: { isManager: async (ctx) => managers.has(ctx.userId) },
  });
  const ctx = (userId = 'UMGR', over: Partial<CommandContext> = {}): CommandContext => ({
    platform: 'slack',
    workspaceId: 'T1',
    channelId: 'C1',
    userId,
    isDirect: false,
    memberKey: (u) => ({ platform: 'slack', workspaceId: 'T1', userId: u }),
    ...over,
  });
  /** Runs `/leadbot <line>` where `@X` is a member mention. */
  const run = (line: string, who = 'UMGR', over: Partial<CommandContext> = {}) => {
    const [sub = '', ...words] = line.split(/\s+/).filter(Boolean);
    const args: CommandArg[] = words.map((w) =>
      w.startsWith('@') ? { kind: 'member', userId: w.slice(1) } : { kind: 'text', value: w },
    );
    return commands.run({ sub, args }, ctx(who, over));
  };
  const addLead = (userId: string, fields: Parameters<typeof store.createLead>[0] = {}) =>
    store.createLead(
      { name: userId, source: { platform: 'slack', campaign: 'spring' }, ...fields },
      { platform: 'slack', workspaceId: 'T1', userId },
    );
  return { store, leadEvents, outreach, clock, contactPolicy, commands, run, addLead, settings };
}
