import { describe, expect, it } from 'vitest';
import { loadTranscript, runTranscript } from '../../src/app/transcripts.ts';
import { createEngine, createFlowCatalog, type Engine } from '../../src/core/engine.ts';
import { ConflictError } from '../../src/core/errors.ts';
import { parseFlow } from '../../src/core/flow/validate.ts';
import { changeStage } from '../../src/core/lead-lifecycle.ts';
import type { AlertPayload, LeadStore } from '../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { createTestClock, createTestEngine, dm, FLOWS_DIR, silentLogger } from '../helpers/engine.ts';

async function leadOf(store: LeadStore, userId = 'user-1') {
  const identity = await store.findIdentity({ platform: 'console', workspaceId: '', userId });
  return identity ? store.getLead(identity.leadId) : null;
}

async function play(engine: Pick<Engine, 'handle'>, lines: (string | string[])[], userId = 'user-1') {
  const out = [];
  for (const l of lines) {
    const body = Array.isArray(l)
      ? { kind: 'choice' as const, values: l }
      : { kind: 'message' as const, text: l };
    out.push(...(await engine.handle(dm(body, { userId }))));
  }
  return out;
}

const STRONG = [
  'hi',
  'evaluating',
  'Acme Corp',
  '1',
  '80',
  ['approved'],
  ['month'],
  'jane@acme.example',
  'yes',
];

describe('engine', () => {
  it('qualifies a strong prospect to SQL with one explained sales alert', async () => {
    const { engine, store } = await createTestEngine();
    await play(engine, STRONG);
    const lead = (await leadOf(store))!;
    expect(lead).toMatchObject({
      stage: 'SQL',
      score: 120,
      company: 'Acme Corp',
      email: 'jane@acme.example',
      consent: true,
    });
    const contributions = await store.listScoreContributions(lead.id);
    expect(contributions.reduce((s, c) => s + c.points, 0)).toBe(lead.score);
    const stages = await store.listStageChanges(lead.id);
    expect(stages.map((s) => s.to)).toEqual(['MQL', 'SQL']);
    const alerts = await store.outbox.list({ kind: 'sales_alert' });
    expect(alerts).toHaveLength(1);
    const sqlChange = stages.find((s) => s.to === 'SQL')!;
    expect(alerts[0]!.idempotencyKey).toBe(`sales_alert:${sqlChange.id}`);
    const payload = alerts[0]!.payload as unknown as AlertPayload;
    expect(payload).toMatchObject({ leadId: lead.id, stage: 'SQL', company: 'Acme Corp', score: 120 });
    expect(payload.answers).toContainEqual({
      stepId: 'budget',
      question: 'Is there a budget for this?',
      answer: 'Yes, approved',
    });
    expect(payload.breakdown).toContainEqual({
      ruleId: 'rule:large_team',
      points: 20,
      reason: 'Team of 50 or more',
    });
    // The demo question still follows; answering it does not alert twice.
    await play(engine, ['yes']);
    expect(await store.outbox.list({ kind: 'sales_alert' })).toHaveLength(1);
  });

  it('ignores a redelivered event', async () => {
    const { engine, store } = await createTestEngine();
    await play(engine, ['hi']);
    const event = dm({ kind: 'message', text: 'evaluating' });
    expect((await engine.handle(event)).length).toBeGreaterThan(0);
    expect(await engine.handle(event)).toEqual([]);
    const lead = (await leadOf(store))!;
    const [conv] = await store.listConversations(lead.id);
    expect((await store.listAnswers(conv!.id)).length).toBe(1);
    expect(conv!.currentStep).toBe('company');
  });

  it('never asks personal questions in a shared channel', async () => {
    const { engine, store } = await createTestEngine();
    const out = await engine.handle(
      dm({ kind: 'message', text: 'hello bot' }, { isDirect: false, channelId: 'C1' }),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'info', offerPrivate: true });
    expect(out[0]!.choices).toBeUndefined();
    expect(await leadOf(store)).toBeNull();
  });

  it('records every attempt and re-asks invalid answers', async () => {
    const { engine, store } = await createTestEngine();
    const out = await play(engine, ['hi', '9', 'two']);
    expect(out.at(-2)).toMatchObject({ kind: 'error', stepId: 'need' });
    expect(out.at(-1)).toMatchObject({ kind: 'question', stepId: 'need', choices: expect.any(Array) });
    const lead = (await leadOf(store))!;
    const [conv] = await store.listConversations(lead.id);
    const answers = await store.listAnswers(conv!.id);
    expect(answers.map((a) => [a.rawText, a.accepted, a.attempt])).toEqual([
      ['9', false, 1],
      ['two', false, 2],
    ]);
  });

  it('ignores a stale button and takes a current one', async () => {
    const { engine, store } = await createTestEngine();
    await play(engine, ['hi', 'evaluating', 'Acme']);
    const stale = await engine.handle(dm({ kind: 'choice', values: ['exploring'], stepId: 'need' }));
    expect(stale.at(-1)).toMatchObject({ stepId: 'role' });
    await engine.handle(dm({ kind: 'choice', values: ['manager'], stepId: 'role' }));
    const lead = (await leadOf(store))!;
    const [conv] = await store.listConversations(lead.id);
    expect(conv!.currentStep).toBe('team_size');
    expect(conv!.variables.need).toBe('evaluating');
  });

  it('stops on "stop", resumes on /start, and restarts from zero on /restart', async () => {
    const { engine, store } = await createTestEngine();
    await play(engine, ['hi', 'evaluating', 'Acme']);
    const stopped = await play(engine, ['Stop']);
    expect(stopped[0]!.text).toMatch(/stopped/i);
    let lead = (await leadOf(store))!;
    expect((await store.findOpenConversation(lead.id))!.status).toBe('abandoned');
    const resumed = await engine.handle(dm({ kind: 'command', name: 'start' }));
    expect(resumed.at(-1)).toMatchObject({ stepId: 'role' });
    expect((await store.findOpenConversation(lead.id))!.status).toBe('active');
    expect(lead.score).toBe(15);
    const restarted = await engine.handle(dm({ kind: 'command', name: 'restart' }));
    expect(restarted.at(-1)).toMatchObject({ stepId: 'need' });
    lead = (await leadOf(store))!;
    expect(lead.score).toBe(0);
    expect(await store.listScoreContributions(lead.id)).toEqual([]);
    expect(await store.listConversations(lead.id)).toHaveLength(2);
  });

  it('records the deep-link campaign as the lead source', async () => {
    const { engine, store } = await createTestEngine();
    await engine.handle(dm({ kind: 'command', name: 'start', args: ['spring-promo'] }));
    expect((await leadOf(store))!.source).toMatchObject({ platform: 'console', campaign: 'spring-promo' });
  });

  it('abandons idle conversations and lets the person answer on return', async () => {
    const clock = createTestClock(new Date());
    const { engine, store } = await createTestEngine({ clock, options: { idleMinutes: 30 } });
    await play(engine, ['hi', 'evaluating']);
    clock.advance(31 * 60_000);
    expect(await engine.sweepIdle()).toBe(1);
    const lead = (await leadOf(store))!;
    expect((await store.findOpenConversation(lead.id))!.status).toBe('abandoned');
    const out = await play(engine, ['Acme']);
    expect(out.at(-1)).toMatchObject({ stepId: 'role' });
    expect((await store.findOpenConversation(lead.id))!.status).toBe('active');
  });

  it('keeps a conversation on the flow version it started with', async () => {
    const { engine, store, flows } = await createTestEngine();
    await play(engine, ['hi']);
    const changed = structuredClone(flows.get('default')!.definition);
    changed.steps.company!.ask = 'Company name, please?';
    const engine2 = createEngine({
      leadEvents: NO_LEAD_EVENTS,
      store,
      flows: createFlowCatalog([parseFlow(changed)]),
      clock: createTestClock(),
      logger: silentLogger,
    });
    const out = await engine2.handle(dm({ kind: 'message', text: 'evaluating' }));
    expect(out.at(-1)!.text).toBe('Which company are you with?');
  });

  it('re-runs the whole event after a version conflict', async () => {
    const { store } = await createTestEngine();
    let conflicts = 1;
    const flaky: LeadStore = Object.create(store);
    flaky.transaction = (fn) =>
      store.transaction((tx) => {
        const wrapped = Object.create(tx);
        wrapped.updateConversation = async (...args: Parameters<typeof tx.updateConversation>) => {
          if (conflicts-- > 0) throw new ConflictError('someone else advanced it');
          return tx.updateConversation(...args);
        };
        return fn(wrapped);
      });
    const { engine } = await createTestEngine({ store: flaky });
    await play(engine, ['hi']);
    conflicts = 1;
    const out = await play(engine, ['evaluating']);
    expect(out.at(-1)).toMatchObject({ stepId: 'company' });
    const lead = (await leadOf(store))!;
    const [conv] = await store.listConversations(lead.id);
    expect(await store.listAnswers(conv!.id)).toHaveLength(1);
  });

  it('serializes concurrent events of one person', async () => {
    const { engine, store } = await createTestEngine();
    await play(engine, ['hi']);
    await Promise.all([play(engine, ['evaluating']), play(engine, ['Acme'])]);
    const lead = (await leadOf(store))!;
    const [conv] = await store.listConversations(lead.id);
    expect(conv!.currentStep).toBe('role');
    expect(lead.company).toBe('Acme');
  });
});

describe('anonymous visitors (leadOnAnswer)', () => {
  /** The store with its lookups of a lead by account counted (those outside units of work). */
  function counting(store: LeadStore) {
    const counted = { lookups: 0 };
    const wrapped: LeadStore = {
      ...store,
      findLeadByIdentity: (key) => {
        counted.lookups += 1;
        return store.findLeadByIdentity(key);
      },
    };
    return { store: wrapped, counted };
  }
  const visitor = (body: Parameters<typeof dm>[0], userId = 'visitor-1') =>
    dm(body, { userId, channelId: userId, leadOnAnswer: true });

  it('looks a visitor with a lead up once per process, and still handles a lead erased meanwhile', async () => {
    const { store: inner } = await createTestEngine();
    const { store, counted } = counting(inner);
    const { engine } = await createTestEngine({ store });
    await engine.handle(visitor({ kind: 'message', text: 'hi' })); // no lead yet: read-only reply
    expect(counted.lookups).toBe(1);
    for (const text of STRONG.slice(1, 4))
      await engine.handle(visitor({ kind: 'message', text: String(text) }));
    const lead = await inner.findLeadByIdentity({
      platform: 'console',
      workspaceId: '',
      userId: 'visitor-1',
    });
    expect(lead).not.toBeNull();
    // 'evaluating' created the lead (one lookup before it) and is remembered: 2 in all, then none.
    expect(counted.lookups).toBe(2);

    // Erased by another instance: the next event goes to the unit of work, which sees no lead
    // and answers like a fresh engine would.
    await inner.deleteLead(lead!.id);
    const again = await engine.handle(visitor({ kind: 'message', text: 'hi' }));
    const { engine: fresh } = await createTestEngine();
    expect(again).toEqual(await fresh.handle(visitor({ kind: 'message', text: 'hi' })));
    expect(counted.lookups).toBe(2);
    expect(
      await inner.findLeadByIdentity({ platform: 'console', workspaceId: '', userId: 'visitor-1' }),
    ).toBeNull();
  });
});

describe('lead lifecycle', () => {
  it('a manual change to SQL writes the audit row and an alert from the stored flow', async () => {
    const { engine, store } = await createTestEngine();
    await play(engine, ['hi', 'exploring', 'Initech']);
    const lead = (await leadOf(store))!;
    const result = await store.transaction((tx) =>
      changeStage(tx, NO_LEAD_EVENTS, {
        leadId: lead.id,
        to: 'SQL',
        reason: 'Met at a conference',
        actor: 'slack:U1',
        now: new Date(),
      }),
    );
    expect(result.alertQueued).toBe(true);
    const [alert] = await store.outbox.list({ kind: 'sales_alert' });
    const payload = alert!.payload as unknown as AlertPayload;
    expect(payload.answers.map((a) => a.question)).toEqual([
      'What brings you here today?',
      'Which company are you with?',
    ]);
    expect((await store.listStageChanges(lead.id)).at(-1)).toMatchObject({ to: 'SQL', actor: 'slack:U1' });
  });
});

describe('shipped transcripts', () => {
  for (const name of ['strong-prospect', 'early-prospect', 'student', 'invalid-answers']) {
    it(name, async () => {
      const { store, flows } = await createTestEngine();
      const transcript = await loadTranscript(`${FLOWS_DIR}transcripts/${name}.yaml`);
      const result = await runTranscript(transcript, {
        store,
        flows,
        clock: createTestClock(),
        logger: silentLogger,
      });
      expect(result.failures).toEqual([]);
    });
  }
});
