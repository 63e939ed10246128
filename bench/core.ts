/**
 * The in-process core: the real engine on a real store, driven by N concurrent conversations
 * of the default flow (the strong-prospect transcript, repeated with new people), against the
 * floor — the same durable database work done by bare Prisma calls with no bot logic: per
 * message one transaction that records the event id, reads the conversation, stores the
 * answer, moves the conversation on and updates the lead's score.
 */
import { join } from 'node:path';
import { loadFlowCatalog } from '../src/app/flow-files.ts';
import { loadTranscript } from '../src/app/transcripts.ts';
import { createEngine, type Engine } from '../src/core/engine.ts';
import type { InboundEvent } from '../src/core/events.ts';
import type { Clock, Logger } from '../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../src/core/webhooks/lead-events.ts';
import { newId } from '../src/store/ids.ts';
import type { Prisma } from '../src/store/prisma-types.ts';
import { createTxGate } from '../src/store/tx-gate.ts';
import { benchId, freshDatabase, openBenchStore, openPrisma, type Provider } from './databases.ts';
import { statementCounter } from './statements.ts';
import { drive, type LoadResult, loadResult } from './stats.ts';

export const ROOT = join(import.meta.dirname, '..');
export const systemClock: Clock = { now: () => new Date() };
export const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

type Body =
  | { kind: 'message'; text: string }
  | { kind: 'choice'; values: string[] }
  | { kind: 'command'; name: string; args: string[] };

/** The strong-prospect transcript as event bodies (10 events, ends in SQL with an alert). */
export async function strongProspect(): Promise<Body[]> {
  const t = await loadTranscript(join(ROOT, 'flows/transcripts/strong-prospect.yaml'));
  return t.steps.map((s) =>
    'say' in s
      ? { kind: 'message', text: s.say }
      : 'choose' in s
        ? { kind: 'choice', values: s.choose }
        : { kind: 'command', name: s.command, args: s.args },
  );
}

export function eventFor(body: Body, userId: string): InboundEvent {
  return {
    ...body,
    platform: 'console',
    workspaceId: '',
    channelId: `dm-${userId}`,
    userId,
    isDirect: true,
    eventId: benchId(),
  } as InboundEvent;
}

/** Runs `fn` with the real engine on a fresh, migrated database, dropped afterwards. */
async function withEngine<T>(
  provider: Provider,
  fn: (engine: Engine, script: Body[], run: string) => Promise<T>,
): Promise<T> {
  const db = await freshDatabase(provider);
  const store = await openBenchStore(db.url);
  try {
    const flows = await loadFlowCatalog(join(ROOT, 'flows'));
    const engine = createEngine({
      leadEvents: NO_LEAD_EVENTS,
      store,
      flows,
      clock: systemClock,
      logger: silent,
    });
    return await fn(engine, await strongProspect(), `r${benchId()}`);
  } finally {
    await store.close();
    await db.drop();
  }
}

/**
 * Engine throughput: `concurrency` people at once, each running conversations back to back;
 * with the SQL statements the store sent per message (statements.ts).
 */
export function engineLoad(
  provider: Provider,
  concurrency: number,
  budget: number,
): Promise<LoadResult & { statementsPerMessage: number }> {
  const statements = statementCounter();
  return withEngine(provider, async (engine, script, run) => {
    statements.mark();
    const result = await drive(concurrency, budget, async (w, seq) => {
      const conversation = Math.floor(seq / script.length);
      await engine.handle(eventFor(script[seq % script.length]!, `${run}-${w}-${conversation}`));
    });
    return { ...result, statementsPerMessage: statements.since() / result.messages };
  });
}

/** The floor: the same messages as bare Prisma transactions. */
export async function floorLoad(
  provider: Provider,
  concurrency: number,
  budget: number,
  steps = 10,
): Promise<LoadResult> {
  const db = await freshDatabase(provider);
  const client = await openPrisma(db);
  // READ COMMITTED is PostgreSQL's default: like the store (open-store.ts), no SET TRANSACTION.
  const txOptions = { maxWait: 10_000, timeout: 15_000 };
  const open = new Map<number, { leadId: string; conversationId: string }>();
  // The store's admission limit (src/store/tx-gate.ts): without it 1,000 concurrent bare
  // transactions outwait Prisma's maxWait and fail, which would be no floor at all.
  const gate = createTxGate(provider === 'sqlite' ? 1 : 10);
  try {
    return await drive(concurrency, budget, async (w, seq) => {
      const eventId = benchId();
      const now = new Date();
      const first = seq % steps === 0;
      await gate.run(() =>
        client.$transaction(
          async (tx: Prisma.TransactionClient) => {
            await tx.$executeRaw`INSERT INTO "ProcessedEvent" ("platform", "eventId", "createdAt") VALUES ('console', ${eventId}, ${now}) ON CONFLICT DO NOTHING`;
            if (first) {
              const leadId = newId();
              const conversationId = newId();
              await tx.lead.create({ data: { id: leadId } });
              await tx.conversation.create({
                data: {
                  id: conversationId,
                  leadId,
                  flowId: 'default',
                  flowVersion: 'v',
                  currentStep: 'need',
                  platform: 'console',
                  workspaceId: '',
                  channelId: `c${w}`,
                  variables: {},
                },
              });
              open.set(w, { leadId, conversationId });
              return;
            }
            const { leadId, conversationId } = open.get(w)!;
            const conv = await tx.conversation.findUnique({ where: { id: conversationId } });
            await tx.answer.create({
              data: {
                id: newId(),
                conversationId,
                stepId: `s${seq % steps}`,
                value: 'x',
                rawText: 'x',
                attempt: 1,
                accepted: true,
              },
            });
            await tx.conversation.update({
              where: { id: conversationId },
              data: {
                currentStep: `s${(seq % steps) + 1}`,
                variables: { n: seq },
                version: (conv?.version ?? 0) + 1,
              },
            });
            await tx.lead.update({ where: { id: leadId }, data: { score: seq % steps } });
          },
          txOptions as { maxWait: number; timeout: number },
        ),
      );
    });
  } finally {
    await client.$disconnect();
    await db.drop();
  }
}

/**
 * Open-loop latency: `people` conversations in progress at once, their messages arriving at a
 * steady `rate` per second in total (person k's j-th message is due at (j·people + k) / rate s),
 * each person waiting for the reply before the next. Latency counts from when a message was due,
 * so time spent queued behind a slow store is included. Closed-loop runs (engineLoad) measure
 * capacity; this measures what a person waits at a given traffic.
 */
export function openLoop(provider: Provider, people: number, rate: number): Promise<LoadResult> {
  return withEngine(provider, async (engine, script, run) => {
    // Warm-up, not measured: JIT, the flow snapshot, the store's first statements.
    await Promise.all(
      Array.from({ length: 50 }, async (_, k) => {
        for (const body of script) await engine.handle(eventFor(body, `${run}-warm-${k}`));
      }),
    );
    const latencies: number[] = [];
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: people }, async (_, k) => {
        for (let j = 0; j < script.length; j++) {
          const due = started + ((j * people + k) / rate) * 1000;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          await engine.handle(eventFor(script[j]!, `${run}-${k}`));
          latencies.push(performance.now() - due);
        }
      }),
    );
    return loadResult(latencies, started, cpu);
  });
}
