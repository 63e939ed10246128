/**
 * The qualification engine: a platform-free {@link InboundHandler}. Each event is one unit of
 * work of the store (de-duplication, answer, conversation, score, stage, audit, outbox), under
 * a per-person lock in process and the conversation's optimistic version across processes;
 * a version conflict re-runs the whole event. How units reach the database (batched with other
 * people's events, prefetched, written at the commit) is the store's business
 * (`LeadStore.unitOfWork`). All state lives in the store, so a restarted process resumes every
 * conversation where it was.
 */
import { answerStep } from './answer-step.ts';
import {
  info,
  message,
  openConversation,
  question,
  resumeConversation,
  startConversation,
  stopConversation,
  type Turn,
} from './conversation.ts';
import { isLeadbotError, LeadbotError } from './errors.ts';
import type { InboundEvent, OutboundMessage } from './events.ts';
import { firstContact } from './first-answer.ts';
import type { FlowCatalog } from './flow/catalog.ts';
import { namesStep } from './flow/step-ref.ts';
import { type Flow, parseFlow } from './flow/validate.ts';
import { prospectText, relayProspectMessage } from './handoff/relay-prospect-message.ts';
import { askInterpreter } from './interpret/ask.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { findOrCreateLead } from './people/find-or-create-lead.ts';
import type {
  AnswerInterpreter,
  Clock,
  Conversation,
  InboundHandler,
  InterpretedValue,
  LeadEvents,
  LeadRepo,
  LeadStore,
  Logger,
  WorkHints,
} from './ports/index.ts';
import { RecentKeys } from './recent-keys.ts';
import { isStopEvent } from './stop-event.ts';
import { sanitizeEvent } from './text-hygiene.ts';

export type { FlowCatalog } from './flow/catalog.ts';
export { createFlowCatalog } from './flow/catalog.ts';
export type { Flow } from './flow/validate.ts';

export interface EngineOptions {
  /** Flow for new conversations when the entry point names none. */
  defaultFlowId?: string;
  /** Minutes without activity after which `sweepIdle` abandons a conversation (default 60). */
  idleMinutes?: number;
  /** How many times an event is re-run after a version conflict (default 5). */
  maxConflictRetries?: number;
  /** Where leadbot is reachable from a browser: the base of booking links (`PUBLIC_URL`). */
  publicUrl?: string | undefined;
}

export interface EngineDeps {
  store: LeadStore;
  /** Where new leads and their stage changes are announced (webhooks), in the event's unit of work. */
  leadEvents: LeadEvents;
  flows: FlowCatalog;
  clock: Clock;
  logger: Logger;
  /** Reads free text for several steps at once (src/core/interpret/); without one, every step is asked. */
  interpreter?: AnswerInterpreter | undefined;
  options?: EngineOptions;
}

export interface Engine {
  /** Handles one inbound event; returns what to send back (empty for a redelivery). */
  handle: InboundHandler;
  /** Marks idle active conversations abandoned; returns how many. */
  sweepIdle(): Promise<number>;
}

const identityOf = (e: InboundEvent) => ({
  platform: e.platform,
  workspaceId: e.workspaceId,
  userId: e.userId,
});

/** What an event's unit of work is about: the event, and the person when it reads their lead. */
const hintsOf = (e: InboundEvent): WorkHints => ({
  event: { platform: e.platform, eventId: e.eventId },
  // A shared-channel event only answers "private only": it reads no lead.
  ...(e.isDirect ? { person: identityOf(e) } : {}),
});

/** Visitors' accounts remembered as having a lead (~100 bytes each: ~1 MB at most). */
const KNOWN_LEADS_KEPT = 10_000;

/** Builds the engine. */
export function createEngine(deps: EngineDeps): Engine {
  const { store, flows, clock } = deps;
  const logger = deps.logger.child({ component: 'engine' });
  const idleMs = (deps.options?.idleMinutes ?? 60) * 60_000;
  const maxRetries = deps.options?.maxConflictRetries ?? 5;
  const defaultFlowId = deps.options?.defaultFlowId ?? flows.defaultFlowId;
  const publicUrl = deps.options?.publicUrl;
  const mutex = new KeyedMutex();
  /**
   * Anonymous visitors' accounts this process saw with a lead: their later events skip the
   * read-only lookup of `beforeLead` (a lead erased since is found missing inside the unit of
   * work, which handles that case the same way).
   */
  const withLead = new RecentKeys(KNOWN_LEADS_KEPT);
  /** Past versions loaded from the store, by `id@version` (immutable, so cacheable). */
  const versions = new Map<string, Flow>();

  function currentFlow(preferred?: string): Flow {
    const flow = (preferred && flows.get(preferred)) || flows.get(defaultFlowId);
    if (!flow) throw new LeadbotError('FLOW_INVALID', `flow "${defaultFlowId}" is not loaded`);
    return flow;
  }

  async function flowOf(tx: LeadRepo, conv: Conversation): Promise<Flow> {
    const current = flows.get(conv.flowId);
    if (current?.version === conv.flowVersion) return current;
    const key = `${conv.flowId}@${conv.flowVersion}`;
    const cached = versions.get(key);
    if (cached) return cached;
    const stored = await tx.getFlowVersion(conv.flowId, conv.flowVersion);
    if (!stored) throw new LeadbotError('NOT_FOUND', `flow version ${key} is not stored`);
    const flow = { ...parseFlow(stored, key), version: conv.flowVersion };
    versions.set(key, flow);
    return flow;
  }

  /** Ends every open conversation of the lead and clears old contributions, then starts afresh. */
  async function restart(t: Turn, e: InboundEvent, open: Conversation | null): Promise<OutboundMessage[]> {
    if (open) {
      await t.tx.updateConversation(open, {
        status: 'completed',
        endedAt: t.now,
        variables: { ...open.variables, _endedBy: 'restart' },
      });
    }
    // A new run re-qualifies from zero: the score is the sum of the new run's contributions.
    for (const c of await t.tx.listConversations(t.lead.id))
      await t.tx.replaceScoreContributions(t.lead.id, c.id, []);
    t.lead = await t.tx.updateLead(t.lead.id, { score: 0 });
    const preferred = open?.flowId;
    return startConversation(t, currentFlow(preferred), e);
  }

  /** `seen.lead` tells the caller the person has a lead once the unit commits. */
  async function process(
    tx: LeadRepo,
    e: InboundEvent,
    proposals: InterpretedValue[] | undefined,
    seen: { lead: boolean },
  ): Promise<OutboundMessage[]> {
    if (!(await tx.markEventProcessed(e.platform, e.eventId))) return [];
    if (!e.isDirect) {
      // Personal questions never go to a shared channel.
      return [info(message(currentFlow(e.campaign), 'privateOnly'), { offerPrivate: true })];
    }
    const now = clock.now();
    if (e.leadOnAnswer && !(await tx.findLeadByIdentity(identityOf(e)))) {
      // No lead yet (handle() saw none either, unless it was erased meanwhile): only an answer
      // the first step takes creates one, together with its conversation and that answer.
      const flow = currentFlow(e.campaign);
      const first = firstContact(e, flow, isStopEvent(e));
      if ('show' in first) return first.show;
      const { lead } = await findOrCreateLead(tx, deps.leadEvents, e, now);
      seen.lead = true;
      const t: Turn = { tx, events: deps.leadEvents, now, lead, logger, publicUrl };
      return answerStep(t, flow, await openConversation(t, flow, e), first.answer, proposals);
    }
    const { lead, created } = await findOrCreateLead(tx, deps.leadEvents, e, now);
    seen.lead = true;
    const t: Turn = { tx, events: deps.leadEvents, now, lead, logger, publicUrl };
    // A lead created just now has no conversation yet: nothing to look up.
    const open = created ? null : await tx.findOpenConversation(lead.id);
    const flow = open ? await flowOf(tx, open) : undefined;
    if (lead.openHandoffId && (e.kind === 'message' || e.kind === 'choice')) {
      // A rep is talking with the person: their words go to the alert's thread, the flow waits.
      const options = open?.currentStep ? flow?.definition.steps[open.currentStep]?.options : undefined;
      const text = prospectText(e, options);
      if ((await relayProspectMessage(t, lead, identityOf(e), text)) !== 'no_handoff') return [];
    }

    const startOrResume = async (campaign?: string): Promise<OutboundMessage[]> => {
      if (open && flow) return resumeConversation(t, flow, open);
      if (!created && (await tx.listConversations(lead.id)).length > 0)
        return [info(message(undefined, 'alreadyDone'))];
      return startConversation(t, currentFlow(campaign), e);
    };

    switch (e.kind) {
      case 'command': {
        const name = e.name.toLowerCase();
        if (name === 'start') return startOrResume(e.args[0] ?? e.campaign);
        if (name === 'restart') return restart(t, e, open);
        if (name === 'stop' || name === 'cancel') return stopConversation(t, flow, open);
        const out = [info(message(flow, 'unknownCommand'))];
        if (open?.currentStep && flow && open.status === 'active')
          out.push(question(flow, open.currentStep, open.variables));
        return out;
      }
      case 'unsupported': {
        const out = [info(message(flow, 'unsupported'))];
        if (open?.currentStep && flow && open.status === 'active')
          out.push(question(flow, open.currentStep, open.variables));
        return out;
      }
      case 'message':
      case 'choice': {
        if (isStopEvent(e)) {
          return stopConversation(t, flow, open);
        }
        if (!open || !flow) return startOrResume(e.campaign);
        // A stopped conversation resumes on any message; the message itself is not an answer.
        if (open.status !== 'active' && open.variables._stopped !== undefined)
          return resumeConversation(t, flow, open);
        if (!open.currentStep) return [info(message(flow, 'alreadyDone'))];
        if (e.stepId !== undefined && !namesStep(e.stepId, open.currentStep)) {
          return [info(message(flow, 'stale')), question(flow, open.currentStep, open.variables)];
        }
        // An idle-abandoned conversation: the reply answers the question the person still sees.
        const conv =
          open.status === 'active'
            ? open
            : await tx.updateConversation(open, { status: 'active', lastActivityAt: now });
        const reply = e.kind === 'message' ? { text: e.text } : { values: e.values };
        return answerStep(t, flow, conv, reply, proposals);
      }
    }
  }

  /**
   * For an anonymous visitor without a lead: the reply of an event that writes nothing (a
   * `start`, a refused first answer), read-only and outside any transaction; null when the
   * event goes on to the transaction (a lead exists, or it is a first answer the flow takes).
   */
  async function beforeLead(e: InboundEvent, key: string): Promise<OutboundMessage[] | null> {
    if (!e.isDirect || withLead.has(key)) return null;
    if (await store.findLeadByIdentity(identityOf(e))) {
      withLead.add(key);
      return null;
    }
    const first = firstContact(e, currentFlow(e.campaign), isStopEvent(e));
    return 'show' in first ? first.show : null;
  }

  async function handle(inbound: InboundEvent): Promise<OutboundMessage[]> {
    // The core's door: nothing a person typed goes further without text hygiene.
    const e = sanitizeEvent(inbound);
    const key = `${e.platform}:${e.workspaceId}:${e.userId}`;
    return mutex.run(key, async () => {
      if (e.leadOnAnswer) {
        const early = await beforeLead(e, key);
        if (early) return early;
      }
      // Asked before the unit of work, so no transaction waits on a model.
      const proposals = deps.interpreter
        ? await askInterpreter(
            { interpreter: deps.interpreter, store, logger, currentFlow, flowOf: (c) => flowOf(store, c) },
            e,
          )
        : undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          const seen = { lead: false };
          const out = await store.unitOfWork(hintsOf(e), (tx) => process(tx, e, proposals, seen));
          // A visitor's first answer created their lead: their next events skip the lookup too.
          if (e.leadOnAnswer && seen.lead) withLead.add(key);
          return out;
        } catch (err) {
          // Another instance advanced the conversation (or created the lead) first: redo the event.
          const retryable = isLeadbotError(err, 'CONFLICT') || isLeadbotError(err, 'DUPLICATE');
          if (!retryable || attempt >= maxRetries) throw err;
          logger.debug({ eventId: e.eventId, platform: e.platform, attempt }, 'conflict, re-running event');
        }
      }
    });
  }

  async function sweepIdle(): Promise<number> {
    const before = new Date(clock.now().getTime() - idleMs);
    const n = await store.abandonIdleConversations(before);
    if (n > 0) logger.info({ count: n }, 'idle conversations abandoned');
    return n;
  }

  return { handle, sweepIdle };
}
