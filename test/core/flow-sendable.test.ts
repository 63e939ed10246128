import { describe, expect, it } from 'vitest';
import { charCount, checkSendable } from '../../src/core/flow/sendable.ts';
import { parseFlow } from '../../src/core/flow/validate.ts';

const flow = parseFlow({
  id: 'limits',
  messages: { welcome: 'Hi' },
  steps: {
    role: {
      ask: 'Your role?',
      type: 'choice',
      options: [
        { value: 'a', label: 'x'.repeat(92) },
        { value: 'v'.repeat(151), label: 'ok' },
      ],
    },
    many: {
      ask: 'Pick',
      type: 'multichoice',
      options: Array.from({ length: 12 }, (_, i) => ({ value: `o${i}`, label: `Option ${i}` })),
    },
  },
}).definition;

describe('checkSendable', () => {
  it('reports each limit a flow exceeds with its path and the platform', () => {
    const problems = checkSendable(flow, {
      platform: 'Discord',
      optionLabel: 80,
      optionValue: 100,
      options: 25,
      multiOptions: 10,
    });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'steps.role.options[0].label: 92 characters, Discord allows 80',
      'steps.role.options[1].value: 151 characters, Discord allows 100',
      'steps.many.options: 12 options, Discord allows 10',
    ]);
  });

  it('reports nothing against limits the flow fits, or none', () => {
    expect(checkSendable(flow, { platform: 'Web' })).toEqual([]);
    expect(checkSendable(flow, { platform: 'Big', optionLabel: 100, optionValue: 200, options: 50 })).toEqual(
      [],
    );
  });

  it('counts characters as people do (an emoji is one)', () => {
    expect(charCount('👍🏽a')).toBe(3);
  });
});
