/**
 * Questions with more options than one Discord menu holds (25): a single choice gets one menu
 * per 25 options (up to the rows left), each with its own custom_id; a multiple choice over 25,
 * or more options than the rows hold, becomes a numbered list answered by text — never a menu
 * silently cut. Every payload passes the strict fake's rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCustomId } from '../../../adapters/discord/custom-ids.ts';
import { renderMessage } from '../../../adapters/discord/outbound.ts';
import { checkMessageBody } from '../../fakes/discord/limits.ts';

const choices = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ value: `v${i}`, label: `Option ${i}` }));
const toJson = (p: ReturnType<typeof renderMessage>) => JSON.parse(JSON.stringify(p));

describe('Discord questions with many options', () => {
  it('a single choice of 60 becomes three menus covering every option once', () => {
    const p = renderMessage(
      { kind: 'question', text: 'Pick', stepId: 'country', choices: choices(60) },
      'dm',
    );
    expect(checkMessageBody(toJson(p))).toBeNull();
    expect(p.components).toHaveLength(3);
    const menus = p.components.map(
      (r) => r.components[0] as { custom_id: string; options: { value: string }[] },
    );
    expect(menus.flatMap((m) => m.options.map((o) => o.value))).toEqual(choices(60).map((c) => c.value));
    expect(menus.map((m) => decodeCustomId(m.custom_id))).toEqual([
      { kind: 'select', stepId: 'country' },
      { kind: 'select', stepId: 'country', part: 1 },
      { kind: 'select', stepId: 'country', part: 2 },
    ]);
  });

  it.each([
    ['a multiple choice of 30', { multiple: true, n: 30 }],
    ['a single choice of 130', { multiple: false, n: 130 }],
  ])('%s is a numbered list answered by text, with every option', (_name, { multiple, n }) => {
    for (const surface of ['dm', 'ephemeral', 'channel'] as const) {
      const p = renderMessage(
        { kind: 'question', text: 'Pick', stepId: 's', choices: choices(n), multiple },
        surface,
      );
      expect(checkMessageBody(toJson(p))).toBeNull();
      expect(p.components.flatMap((r) => r.components).filter((c) => c.type === 3)).toEqual([]);
      expect(p.content).toContain(`${n}. Option ${n - 1}`);
    }
  });

  it('a menu next to the continue-privately button leaves that row free', () => {
    const p = renderMessage(
      { kind: 'question', text: 'Pick', stepId: 's', choices: choices(100), offerPrivate: true },
      'channel',
    );
    expect(checkMessageBody(toJson(p))).toBeNull();
    expect(p.components).toHaveLength(5);
  });
});

describe('Discord renderer against the strict fake rules', () => {
  it('cannot produce a message Discord refuses, whatever the flow or the person typed', () => {
    const text = fc.string({
      maxLength: 3000,
      unit: fc.constantFrom('a', '*', '<', '@', '\\', '😀', '\n', '#', ' '),
    });
    // Flow validation refuses empty values and labels, and a value twice in a step (case folded).
    const choice = fc.record({
      value: fc.string({ minLength: 1, maxLength: 120 }),
      label: fc.string({ minLength: 1, maxLength: 120 }),
    });
    fc.assert(
      fc.property(
        text,
        fc.uniqueArray(choice, { maxLength: 140, selector: (c) => c.value.toLowerCase() }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('dm', 'ephemeral', 'channel'),
        fc.string({ maxLength: 90 }),
        (t, choices, multiple, offerPrivate, surface, stepId) => {
          const p = renderMessage(
            { kind: 'question', text: t, stepId, choices, multiple, offerPrivate },
            surface as 'dm' | 'ephemeral' | 'channel',
          );
          expect(checkMessageBody(toJson(p))).toBeNull();
        },
      ),
      { numRuns: 150 },
    );
  });
});
