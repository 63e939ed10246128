import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCallbackData, encodeCallbackData } from '../../../adapters/telegram/callback-data.ts';
import {
  answeredText,
  deepLink,
  neutralizeText,
  renderMessage,
  TELEGRAM_TEXT_LIMIT,
  toggleKeyboard,
} from '../../../adapters/telegram/outbound.ts';
import { stepRef } from '../../../src/core/flow/step-ref.ts';

const ctx = { botUsername: 'leadbot_test_bot' };

describe('telegram outbound rendering', () => {
  it('sends plain text without parse mode and without link previews', () => {
    const [payload] = renderMessage(
      { kind: 'info', text: '<b>hi</b> *there* [x](https://evil.example)' },
      ctx,
    );
    expect(payload).toEqual({
      text: '<b>hi</b> *there* [x](https://evil.example)',
      link_preview_options: { is_disabled: true },
    });
    expect(payload).not.toHaveProperty('parse_mode');
  });

  it('breaks @mentions so echoed text can never ping anyone', () => {
    const text = neutralizeText('hello @admin and @everyone');
    expect(text).not.toMatch(/@[A-Za-z]/);
    expect(text.replace(/\u2060/g, '')).toBe('hello @admin and @everyone');
  });

  it('renders single choices as one button per row with step-scoped data', () => {
    const [payload] = renderMessage(
      {
        kind: 'question',
        text: 'Size?',
        stepId: 'size',
        choices: [
          { value: 'small', label: '1-10' },
          { value: 'big', label: '11+' },
        ],
      },
      ctx,
    );
    expect(payload?.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: '1-10', callback_data: 'c|size|small' }],
        [{ text: '11+', callback_data: 'c|size|big' }],
      ],
    });
  });

  it('renders multiple choices as toggles plus a Done button', () => {
    const [payload] = renderMessage(
      { kind: 'question', text: 'Pick', stepId: 'i', multiple: true, choices: [{ value: 'a', label: 'A' }] },
      ctx,
    );
    expect(payload?.reply_markup?.inline_keyboard).toEqual([
      [{ text: 'A', callback_data: 't|i|a' }],
      [{ text: 'Done', callback_data: 'd|i' }],
    ]);
  });

  it('toggles the ✓ in the keyboard itself, back and forth', () => {
    const markup = {
      inline_keyboard: [[{ text: 'A', callback_data: 't|i|a' }], [{ text: 'B', callback_data: 't|i|b' }]],
    };
    const once = toggleKeyboard(markup, 't|i|a');
    expect(once.inline_keyboard).toEqual([
      [{ text: '✓ A', callback_data: 'T|i|a' }],
      [{ text: 'B', callback_data: 't|i|b' }],
    ]);
    expect(toggleKeyboard(once, 'T|i|a')).toEqual(markup);
  });

  it('offers a deep link to continue in private', () => {
    const [payload] = renderMessage(
      { kind: 'info', text: 'Let us talk privately', offerPrivate: true },
      { ...ctx, deepLinkPayload: 'group_-100123' },
    );
    expect(payload?.reply_markup?.inline_keyboard).toEqual([
      [{ text: 'Continue in private', url: 'https://t.me/leadbot_test_bot?start=group_-100123' }],
    ]);
    expect(deepLink({ botUsername: 'b', deepLinkPayload: 'a b/c?d' })).toBe('https://t.me/b?start=a_b_c_d');
  });

  it('splits over-long text and keeps the keyboard on the last part', () => {
    const payloads = renderMessage(
      {
        kind: 'question',
        text: 'x'.repeat(TELEGRAM_TEXT_LIMIT + 10),
        stepId: 's',
        choices: [{ value: 'v', label: 'V' }],
      },
      ctx,
    );
    expect(payloads.map((p) => p.text.length)).toEqual([TELEGRAM_TEXT_LIMIT, 10]);
    expect(payloads[0]?.reply_markup).toBeUndefined();
    expect(payloads[1]?.reply_markup).toBeDefined();
  });

  it('records what was picked under an answered question', () => {
    const markup = {
      inline_keyboard: [
        [{ text: '✓ A', callback_data: 'T|i|a' }],
        [{ text: 'B', callback_data: 't|i|b' }],
        [{ text: 'Done', callback_data: 'd|i' }],
      ],
    };
    expect(answeredText('Pick', markup, 'd|i')).toBe('Pick\n\n✓ A');
    expect(
      answeredText('Size?', { inline_keyboard: [[{ text: '1-10', callback_data: 'c|s|1' }]] }, 'c|s|1'),
    ).toBe('Size?\n\n✓ 1-10');
  });
});

describe('telegram callback data', () => {
  it('round-trips every kind for any step id and value that fit', () => {
    const id = fc.stringMatching(/^[a-z_]{1,12}$/);
    fc.assert(
      fc.property(id, fc.string({ maxLength: 20 }), fc.boolean(), (stepId, value, checked) => {
        expect(decodeCallbackData(encodeCallbackData({ kind: 'choice', stepId, value }))).toEqual({
          kind: 'choice',
          stepId,
          value,
        });
        expect(decodeCallbackData(encodeCallbackData({ kind: 'toggle', stepId, value, checked }))).toEqual({
          kind: 'toggle',
          stepId,
          value,
          checked,
        });
        expect(decodeCallbackData(encodeCallbackData({ kind: 'done', stepId }))).toEqual({
          kind: 'done',
          stepId,
        });
      }),
    );
  });

  it('falls back to the step digest and the option number when id and value exceed 64 bytes', () => {
    const stepId = 'a_step_id_that_is_long_enough_to_break_the_sixty_four_byte_limit';
    const value = 'é'.repeat(40);
    const short = encodeCallbackData({ kind: 'choice', stepId: 'step', value }, 3);
    expect(short).toBe('c|step|3');
    const both = encodeCallbackData({ kind: 'toggle', stepId, value, checked: true }, 2);
    expect(Buffer.byteLength(both)).toBeLessThanOrEqual(64);
    expect(decodeCallbackData(both)).toEqual({
      kind: 'toggle',
      stepId: stepRef(stepId),
      value: '2',
      checked: true,
    });
    expect(decodeCallbackData(encodeCallbackData({ kind: 'done', stepId }))).toEqual({
      kind: 'done',
      stepId: stepRef(stepId),
    });
    expect(() => encodeCallbackData({ kind: 'choice', stepId, value })).toThrow(RangeError);
  });

  it('ignores data it did not produce', () => {
    for (const raw of [undefined, '', 'x|a|b', 'c|', 'cc|a|b', 'd|', 'c|onlystep']) {
      expect(decodeCallbackData(raw)).toBeNull();
    }
  });
});
