/** The engine as the judge of a model's proposals: pure rules, no model. */
import { describe, expect, it } from 'vitest';
import {
  containsEvidence,
  describeSteps,
  judgeProposals,
  normalizeEvidence,
  openSteps,
} from '../../src/core/interpret/judge.ts';
import type { Answer } from '../../src/core/ports/index.ts';
import { createTestEngine } from '../helpers/engine.ts';

const { flows } = await createTestEngine();
const flow = flows.get('default')!;

const answer = (stepId: string, inferred: boolean): Answer => ({
  id: stepId,
  conversationId: 'c',
  stepId,
  value: 'x',
  rawText: 'x',
  attempt: 1,
  accepted: true,
  inferred,
  evidence: inferred ? 'x' : null,
  createdAt: new Date(),
});

describe('evidence', () => {
  it('matches case, whitespace, typographic quotes and full-width digits, nothing fuzzier', () => {
    const msg = 'We’re  ~４０ people,\nBudget is APPROVED';
    expect(containsEvidence(msg, "we're ~40 people")).toBe(true);
    expect(containsEvidence(msg, 'budget is approved')).toBe(true);
    expect(containsEvidence(msg, 'budget approved')).toBe(false);
    expect(containsEvidence(msg, 'w')).toBe(false); // one character proves nothing
    expect(containsEvidence(msg, '   ')).toBe(false);
    expect(normalizeEvidence('  A\u2014b  ')).toBe('a-b');
  });
});

describe('open steps', () => {
  it('offers unanswered and inferred steps, never email, phone, consent or typed answers', () => {
    const open = openSteps(flow, [answer('need', false), answer('budget', true)]);
    expect([...open].sort()).toEqual(['budget', 'company', 'demo', 'role', 'team_size', 'timeline']);
    const described = describeSteps(flow, ['team_size', 'budget']);
    expect(described[0]).toEqual({
      id: 'team_size',
      kind: 'number',
      prompt: 'How many people would use it?',
      min: 1,
      max: 1_000_000,
    });
    expect(described[1]!.options?.map((o) => o.value)).toEqual(['approved', 'planned', 'none']);
  });
});

describe('judgeProposals', () => {
  const msg = "we're ~40 people, budget is approved";
  const open = openSteps(flow, []);
  const p = (stepId: string, value: string, evidence: string, confidence = 0.9) => ({
    stepId,
    value,
    evidence,
    confidence,
  });

  it('accepts a value its step validates, with evidence in the message', () => {
    const { accepted, refused } = judgeProposals(flow, open, msg, [
      p('team_size', '40', '~40 people'),
      p('budget', 'approved', 'budget is approved'),
    ]);
    expect(accepted).toEqual([
      { stepId: 'team_size', value: 40, display: '40', evidence: '~40 people' },
      { stepId: 'budget', value: 'approved', display: 'Yes, approved', evidence: 'budget is approved' },
    ]);
    expect(refused).toEqual([]);
  });

  it('refuses, and says why: closed or personal steps, weak confidence, missing evidence, invalid values, a number the evidence does not say', () => {
    const { accepted, refused } = judgeProposals(flow, open, msg, [
      p('email', 'a@b.co', 'people'),
      p('nope', 'x', 'people'),
      p('budget', 'approved', 'budget is approved', 0.2),
      p('timeline', 'month', 'next month'),
      p('budget', 'millions', 'budget is approved'),
      p('team_size', '400', '~40 people'),
      p('team_size', '0', '~40 people'),
    ]);
    expect(accepted).toEqual([]);
    expect(refused.map((r) => r.why)).toEqual([
      'not_open',
      'not_open',
      'low_confidence',
      'no_evidence',
      'invalid',
      'evidence_mismatch',
      'invalid',
    ]);
  });

  it('clips very long evidence and takes the first acceptable value of a step', () => {
    const long = `${'x'.repeat(400)} 40 people`;
    const { accepted } = judgeProposals(flow, open, long, [
      p('team_size', '40', long),
      p('team_size', '40', '40 people'),
    ]);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.evidence.length).toBe(300);
  });
});
