/**
 * A bot with follow-ups for tests: the real engine wrapped by `withFollowUps`, a schedule
 * runner sending through a recording sender, the outreach policy over a memory outreach store,
 * and a clock moved by hand. Stores default to memory; pass others to test the Prisma ones.
 */
import { createEngine } from '../../src/core/engine.ts';
import type { OutboundMessage } from '../../src/core/events.ts';
import { createFlowCatalog } from '../../src/core/flow/catalog.ts';
import { parseFlow } from '../../src/core/flow/validate.ts';
import { createMemoryOutreachStore } from '../../src/core/memory/memory-outreach.ts';
import type { EmailRoute } from '../../src/core/nurture/email-step.ts';
import { withFollowUps } from '../../src/core/nurture/planner.ts';
import { createOutreachPolicy } from '../../src/core/nurture/policy.ts';
import { createScheduleRunner } from '../../src/core/nurture/runner.ts';
import { parseOutreachSettings } from '../../src/core/outreach/settings.ts';
import type { LeadStore, ScheduleStore } from '../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { createTestClock, dm, silentLogger } from '../helpers/engine.ts';

export const NURTURE_FLOW = {
  id: 'nurture',
  steps: {
    need: {
      ask: 'What do you need?',
      type: 'choice',
      options: [
        { value: 'buy', label: 'Buy', points: 40 },
        { value: 'look', label: 'Look', points: 5 },
      ],
    },
    email: { ask: 'Your email?', type: 'email', field: 'email' },
    consent: { ask: 'May we write to you?', type: 'yesno', field: 'consent' },
  },
  scoring: { thresholds: { mql: 30, sql: 100 } },
  followUps: {
    reminder: { after: '1h', max: 2, text: 'Still there?' },
    nurture: {
      every: '1d',
      messages: [
        { text: 'Our guide', link: 'https://example.com/guide' },
        { text: 'A case study', link: 'https://example.com/case' },
      ],
    },
    reengage: { after: '7d', text: 'Still looking for a tool?' },
  },
};

export interface Sent {
  channelId: string;
  at: Date;
  messages: OutboundMessage[];
}

export async function createNurtureBot(
  opts: {
    store?: LeadStore;
    schedules?: ScheduleStore;
    env?: Record<string, string>;
    start?: Date;
    canSend?: (platform: string) => boolean;
    /** A flow other than {@link NURTURE_FLOW}. */
    flow?: unknown;
    /** Email follow-ups (sender and unsubscribe links); none by default. */
    email?: EmailRoute;
    /** EMAIL_* outreach settings (quiet hours, limit) for email follow-ups. */
    emailEnv?: Record<string, string>;
    /** false: no chat sender at all (like the web widget). */
    chatSender?: boolean;
  } = {},
) {
  const { createMemoryStore } = await import('../../src/core/memory/memory-store.ts');
  // Ahead of the wall clock: stores stamp new conversations with their own time.
  const clock = createTestClock(opts.start ?? new Date('2030-01-07T09:00:00.000Z'));
  const store = opts.store ?? createMemoryStore({ clock });
  // The planner reads the store's own schedules (LeadStore.followUpState): one store for both.
  const schedules = opts.schedules ?? store.schedules;
  const flow = parseFlow(opts.flow ?? NURTURE_FLOW);
  const flows = createFlowCatalog([flow], flow.id);
  const outreach = createMemoryOutreachStore();
  const chatSettings = parseOutreachSettings(opts.env ?? {}, 'X_');
  const emailSettings = parseOutreachSettings(opts.emailEnv ?? {}, 'EMAIL_');
  const settings = (p: string) => (p === 'email' ? emailSettings : chatSettings);
  const engine = createEngine({
    leadEvents: NO_LEAD_EVENTS,
    store,
    flows,
    clock,
    logger: silentLogger,
  });
  const deps = { repo: store, schedules, flows, clock, logger: silentLogger };
  const handle = withFollowUps(engine.handle, {
    ...deps,
    state: (key) => store.followUpState(key),
    ...(opts.canSend ? { canSend: opts.canSend } : {}),
  });
  const sent: Sent[] = [];
  const makeRunner = (workerId = 'w1', over: { schedules?: ScheduleStore } = {}) =>
    createScheduleRunner({
      ...deps,
      ...over,
      policy: createOutreachPolicy({ repo: store, outreach, settings }),
      senders:
        opts.chatSender === false
          ? {}
          : {
              console: async (target, messages) => {
                sent.push({ channelId: target.channelId, at: clock.now(), messages });
              },
            },
      workerId,
      ...(opts.email ? { email: opts.email } : {}),
    });
  const say = (text: string) => handle(dm({ kind: 'message', text }));
  const choose = (value: string) => handle(dm({ kind: 'choice', values: [value] }));
  const lead = async () => {
    const id = await store.findIdentity({ platform: 'console', workspaceId: '', userId: 'user-1' });
    return (await store.getLead(id!.leadId))!;
  };
  return { store, clock, schedules, outreach, handle, sent, makeRunner, say, choose, lead };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
