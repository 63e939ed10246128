/**
 * Property tests: whatever a person sends, the engine answers without throwing, and the
 * books stay straight (score = sum of contributions, stage = end of the audit trail, no
 * automatic demotion, one alert per SQL change).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/core/events.ts';
import type { Stage } from '../../src/core/ports/index.ts';
import { createTestEngine, dm } from '../helpers/engine.ts';

const nastyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000\u001b[31m',
    '🔥🔥🔥',
    'مرحبا بالعالم',
    '<b>hi</b> *x* _y_ `z`',
    '@here <!channel>',
  ),
  fc.constantFrom('1', '2', '3', 'yes', 'no', 'jane@acme.example', '42', 'Acme', 'stop', 'cancel', 'évaluer'),
  fc.nat({ max: 10_000 }).map((n) => 'x'.repeat(n)),
);

const event: fc.Arbitrary<InboundEvent> = fc.oneof(
  { weight: 6, arbitrary: nastyText.map((text) => dm({ kind: 'message', text })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.array(
          fc.constantFrom('evaluating', 'exploring', 'exec', 'student', 'approved', 'month', 'yes', 'zzz'),
          {
            maxLength: 3,
          },
        ),
        fc.option(fc.constantFrom('need', 'role', 'budget', 'demo')),
      )
      .map(([values, stepId]) => dm({ kind: 'choice', values, ...(stepId ? { stepId } : {}) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('start', 'restart', 'stop', 'help'), fc.array(fc.string(), { maxLength: 2 }))
      .map(([name, args]) => dm({ kind: 'command', name, args })),
  },
  {
    weight: 1,
    arbitrary: fc.boolean().map((d) => ({ ...dm({ kind: 'message', text: 'hi' }), isDirect: d })),
  },
);

const RANK: Record<Stage, number> = { cold: 0, MQL: 1, SQL: 2, disqualified: -1 };

describe('engine properties', () => {
  it('never throws and keeps score, stage and audit consistent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 25 }), async (events) => {
        const { engine, store } = await createTestEngine();
        for (const e of events) {
          const out = await engine.handle(e);
          for (const m of out) expect(typeof m.text).toBe('string');
        }
        const identity = await store.findIdentity({ platform: 'console', workspaceId: '', userId: 'user-1' });
        if (!identity) return;
        const lead = (await store.getLead(identity.leadId))!;
        const contributions = await store.listScoreContributions(lead.id);
        expect(lead.score).toBe(contributions.reduce((s, c) => s + c.points, 0));
        const changes = await store.listStageChanges(lead.id);
        expect(lead.stage).toBe(changes.at(-1)?.to ?? 'cold');
        let previous: Stage = 'cold';
        for (const c of changes) {
          expect(c.from).toBe(previous);
          expect(c.actor).toBe('engine');
          expect(previous === 'disqualified' || previous === 'SQL').toBe(false);
          if (c.to !== 'disqualified') expect(RANK[c.to]).toBeGreaterThan(RANK[previous]);
          previous = c.to;
        }
        if (lead.stage === 'cold') expect(lead.score).toBeLessThan(30);
        const alerts = await store.outbox.list({ kind: 'sales_alert' });
        expect(alerts).toHaveLength(changes.filter((c) => c.to === 'SQL').length);
      }),
      { numRuns: 60 },
    );
  });
});
