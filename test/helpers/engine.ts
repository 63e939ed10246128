/**
 * A ready engine for tests: the shipped `flows/` catalog (default flow), a silent logger,
 * a controllable clock and, unless one is given, a fresh in-memory store.
 * Adapters use it to drive real conversations end to end.
 */
import { fileURLToPath } from 'node:url';
import { loadFlowCatalog } from '../../src/app/flow-files.ts';
import { createEngine, type Engine, type EngineOptions, type FlowCatalog } from '../../src/core/engine.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import type { AnswerInterpreter, Clock, LeadEvents, LeadStore, Logger } from '../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';

export const FLOWS_DIR = fileURLToPath(new URL('../../flows/', import.meta.url));

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/** A clock tests move by hand. */
export interface TestClock extends Clock {
  set(date: Date): void;
  advance(ms: number): void;
}

export function createTestClock(start = new Date('2026-01-05T09:00:00.000Z')): TestClock {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    set: (d) => {
      now = d.getTime();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/**
 * Creates an engine over `flows/` (default flow) and the given or a new memory store; lead
 * events go where `leadEvents` says (nowhere unless given).
 */
export async function createTestEngine(
  opts: {
    store?: LeadStore;
    clock?: Clock;
    options?: EngineOptions;
    leadEvents?: LeadEvents;
    interpreter?: AnswerInterpreter;
  } = {},
): Promise<{ engine: Engine; store: LeadStore; flows: FlowCatalog; clock: Clock }> {
  const store = opts.store ?? createMemoryStore();
  const flows = await loadFlowCatalog(FLOWS_DIR);
  const clock = opts.clock ?? createTestClock();
  const engine = createEngine({
    store,
    leadEvents: opts.leadEvents ?? NO_LEAD_EVENTS,
    flows,
    clock,
    logger: silentLogger,
    ...(opts.options ? { options: opts.options } : {}),
    ...(opts.interpreter ? { interpreter: opts.interpreter } : {}),
  });
  return { engine, store, flows, clock };
}

let eventSeq = 0;

/** Builds a direct-message event from `user` (defaults for every origin field). */
export function dm(
  body:
    | { kind: 'message'; text: string }
    | { kind: 'choice'; values: string[]; stepId?: string }
    | { kind: 'command'; name: string; args?: string[] },
  origin: Partial<Omit<InboundEvent, 'kind'>> = {},
): InboundEvent {
  eventSeq += 1;
  const base = {
    platform: 'console' as const,
    workspaceId: '',
    channelId: 'dm-1',
    userId: 'user-1',
    isDirect: true,
    eventId: `evt-${eventSeq}`,
    ...origin,
  };
  if (body.kind === 'command') return { ...base, kind: 'command', name: body.name, args: body.args ?? [] };
  return { ...base, ...body } as InboundEvent;
}
