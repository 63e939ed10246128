/**
 * Fuzz: 100,000 random inbound events (fast-check) from a few dozen people through the real
 * engine on the memory store. Nothing may throw, and afterwards the books must be straight for
 * every lead: score = sum of its explained contributions, stage = the end of its audit trail,
 * stage consistent with the default flow's thresholds, one queued alert per move to SQL.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFlowCatalog } from '../../src/app/flow-files.ts';
import { createEngine } from '../../src/core/engine.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { createTestClock, dm, FLOWS_DIR, silentLogger } from '../helpers/engine.ts';

const TOTAL_EVENTS = Number(process.env.FUZZ_EVENTS ?? 100_000);
// Small runs of a few people each: many fresh conversations, and leads that end in every stage.
const EVENTS_PER_RUN = 100;
const PEOPLE_PER_RUN = 6;

const text = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('1', '2', '3', '4', 'yes', 'no', 'Acme Corp', '80', '12', 'this month'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('jane@acme.example', 'not-an-email', 'stop', 'cancel', 'hello', ''),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
);
const values = fc.array(
  fc.constantFrom('evaluating', 'exploring', 'support', 'exec', 'student', 'approved', 'month', 'done', 'x'),
  { minLength: 1, maxLength: 3 },
);
const steps = fc.constantFrom(undefined, 'need', 'role', 'budget', 'timeline', 'consent', 'nope');
const person = fc.nat({ max: PEOPLE_PER_RUN - 1 });
const shape = fc.oneof(
  { weight: 12, arbitrary: text.map((t) => ({ kind: 'message' as const, text: t })) },
  { weight: 5, arbitrary: fc.record({ values, stepId: steps }) },
  { weight: 2, arbitrary: fc.constantFrom('start', 'restart', 'stop', 'help').map((name) => ({ name })) },
);
const inbound = fc
  .record({ who: person, body: shape, direct: fc.nat({ max: 19 }).map((n) => n > 0) })
  .map(({ who, body, direct }): InboundEvent => {
    const origin = { userId: `p${who}`, channelId: `dm-${who}`, isDirect: direct };
    if ('text' in body) return dm(body, origin);
    if ('name' in body) return dm({ kind: 'command', name: body.name }, origin);
    return dm(
      { kind: 'choice', values: body.values, ...(body.stepId ? { stepId: body.stepId } : {}) },
      origin,
    );
  });

describe('fuzzing the engine', () => {
  it(`${TOTAL_EVENTS} random events: no crash, invariants hold`, async () => {
    const runs = TOTAL_EVENTS / EVENTS_PER_RUN;
    const flows = await loadFlowCatalog(FLOWS_DIR);
    const batches = fc.sample(fc.array(inbound, { minLength: EVENTS_PER_RUN, maxLength: EVENTS_PER_RUN }), {
      numRuns: runs,
      seed: Number(process.env.FUZZ_SEED ?? 20261128),
    });
    let handled = 0;
    let crashes = 0;
    let leads = 0;
    const violations: string[] = [];
    const started = Date.now();
    for (const batch of batches) {
      const store = createMemoryStore();
      const engine = createEngine({
        leadEvents: NO_LEAD_EVENTS,
        store,
        flows,
        clock: createTestClock(),
        logger: silentLogger,
      });
      // People act concurrently; each person's events stay in order (the engine serializes them).
      const byPerson = new Map<string, InboundEvent[]>();
      for (const e of batch) byPerson.set(e.userId, [...(byPerson.get(e.userId) ?? []), e]);
      await Promise.all(
        [...byPerson.values()].map(async (events) => {
          for (const e of events) {
            try {
              await engine.handle(e);
            } catch (err) {
              crashes += 1;
              violations.push(`crash on ${JSON.stringify(e).slice(0, 200)}: ${(err as Error).message}`);
            }
            handled += 1;
          }
        }),
      );
      const { items } = await store.listLeads({ limit: 500 });
      const alerts = await store.outbox.list({ kind: 'sales_alert' });
      let sqlMoves = 0;
      for (const lead of items) {
        leads += 1;
        const sum = (await store.listScoreContributions(lead.id)).reduce((n, c) => n + c.points, 0);
        if (sum !== lead.score)
          violations.push(`lead ${lead.id}: score ${lead.score} ≠ contributions ${sum}`);
        const trail = await store.listStageChanges(lead.id);
        const last = trail.at(-1)?.to ?? 'cold';
        if (last !== lead.stage)
          violations.push(`lead ${lead.id}: stage ${lead.stage} ≠ audit trail ${last}`);
        // The default flow: MQL at 30, SQL at 115; the engine never leaves a lead below its score.
        if (lead.score >= 115 && lead.stage !== 'SQL' && lead.stage !== 'disqualified')
          violations.push(`lead ${lead.id}: score ${lead.score} but stage ${lead.stage}`);
        if (lead.score >= 30 && lead.stage === 'cold')
          violations.push(`lead ${lead.id}: score ${lead.score} but cold`);
        sqlMoves += trail.filter((c) => c.to === 'SQL').length;
      }
      if (alerts.length !== sqlMoves) violations.push(`${alerts.length} alerts for ${sqlMoves} moves to SQL`);
      await store.close();
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `[fuzz] ${handled} events, ${leads} leads in ${seconds.toFixed(1)} s: ${crashes} crashes, ${violations.length} invariant violations`,
    );
    expect(violations.slice(0, 5)).toEqual([]);
    expect(handled).toBe(TOTAL_EVENTS);
  }, 120_000);
});
