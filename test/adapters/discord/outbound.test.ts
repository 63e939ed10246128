import { ButtonStyle, ComponentType, MessageFlags } from 'discord.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeCustomId, encodeCustomId } from '../../../adapters/discord/custom-ids.ts';
import { escapeText, renderAnswered, renderMessage, UI_TEXT } from '../../../adapters/discord/outbound.ts';

const choices = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ value: `v${i}`, label: `Option ${i}` }));

describe('escapeText', () => {
  test.each([
    ['@everyone look', '@\u200beveryone look'],
    ['@HERE', '@\u200bHERE'],
    ['hi <@123456789012345678>', 'hi \\<@123456789012345678>'],
    ['role <@&123456789012345678>', 'role \\<@&123456789012345678>'],
    ['chan <#123456789012345678>', 'chan \\<#123456789012345678>'],
    [
      '**bold** _it_ ~~s~~ ||spoiler|| `code`',
      '\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\|\\|spoiler\\|\\| \\`code\\`',
    ],
    ['# Heading', '\\# Heading'],
    ['> quote', '\\> quote'],
    ['[click](https://evil.example)', '\\[click](https://evil.example)'],
  ])('%j → %j', (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });

  test('no text can keep a raw mention or @everyone', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('@everyone', '@here', '<@1>', '<@&1>', '<#1>'),
        fc.string(),
        (a, m, b) => {
          const out = escapeText(`${a}${m}${b}`);
          expect(out).not.toMatch(/(^|[^\\])<[@#]/);
          expect(out).not.toMatch(/@(everyone|here)/i);
        },
      ),
    );
  });
});

describe('renderMessage', () => {
  test('every payload disables mentions and link previews', () => {
    const p = renderMessage({ kind: 'info', text: 'hello @everyone' }, 'dm');
    expect(p.allowedMentions).toEqual({ parse: [], repliedUser: false });
    expect(p.flags & MessageFlags.SuppressEmbeds).toBeTruthy();
    expect(p.flags & MessageFlags.Ephemeral).toBe(0);
    expect(
      renderMessage({ kind: 'info', text: 'x' }, 'ephemeral').flags & MessageFlags.Ephemeral,
    ).toBeTruthy();
  });

  test('up to 5 single choices become buttons carrying step and value', () => {
    const p = renderMessage({ kind: 'question', text: 'Q', stepId: 'need', choices: choices(5) }, 'dm');
    expect(p.components).toHaveLength(1);
    const buttons = p.components[0]!.components;
    expect(buttons.map((b) => b.type)).toEqual(Array(5).fill(ComponentType.Button));
    expect(decodeCustomId((buttons[4] as { custom_id: string }).custom_id)).toEqual({
      kind: 'choice',
      stepId: 'need',
      value: 'v4',
    });
  });

  test('6+ choices and multiple choice become a select menu with max_values', () => {
    const long = renderMessage({ kind: 'question', text: 'Q', stepId: 's', choices: choices(6) }, 'dm');
    const select = long.components[0]!.components[0] as {
      type: number;
      max_values: number;
      options: unknown[];
    };
    expect(select.type).toBe(ComponentType.StringSelect);
    expect(select.max_values).toBe(1);
    expect(select.options).toHaveLength(6);
    const multi = renderMessage(
      { kind: 'question', text: 'Q', stepId: 's', choices: choices(3), multiple: true },
      'dm',
    );
    expect((multi.components[0]!.components[0] as { max_values: number }).max_values).toBe(3);
  });

  test('more options than 5 menus hold fall back to a numbered list answered by text', () => {
    const p = renderMessage({ kind: 'question', text: 'Pick', stepId: 's', choices: choices(130) }, 'dm');
    expect(p.components).toEqual([]);
    expect(p.content).toContain('\n130. Option 129');
  });

  test('a free-text question gets an Answer button only where typing is impossible (ephemeral)', () => {
    const q = { kind: 'question' as const, text: 'Your company?', stepId: 'company' };
    expect(renderMessage(q, 'dm').components).toEqual([]);
    const eph = renderMessage(q, 'ephemeral').components[0]!.components[0] as {
      custom_id: string;
      label: string;
    };
    expect(decodeCustomId(eph.custom_id)).toEqual({ kind: 'answer', stepId: 'company' });
    expect(eph.label).toBe(UI_TEXT.answer);
  });

  test('offerPrivate adds the continue-privately button', () => {
    const p = renderMessage({ kind: 'info', text: 'Let us talk privately', offerPrivate: true }, 'channel');
    const b = p.components[0]!.components[0] as { custom_id: string; style: number };
    expect(decodeCustomId(b.custom_id)).toEqual({ kind: 'private' });
    expect(b.style).toBe(ButtonStyle.Primary);
  });

  test('content and labels respect Discord limits', () => {
    const p = renderMessage(
      {
        kind: 'question',
        text: 'x'.repeat(5000),
        stepId: 's',
        choices: [{ value: 'a', label: 'L'.repeat(200) }],
      },
      'dm',
    );
    expect(Array.from(p.content).length).toBeLessThanOrEqual(2000);
    expect((p.components[0]!.components[0] as { label: string }).label.length).toBeLessThanOrEqual(80);
  });
});

describe('renderAnswered', () => {
  test('keeps the question, appends the escaped answer and removes the buttons', () => {
    const p = renderAnswered('What do you need?', ['**A CRM** @here']);
    expect(p.content).toBe('What do you need?\n\n→ \\*\\*A CRM\\*\\* @\u200bhere');
    expect(p.components).toEqual([]);
    expect(p.allowedMentions.parse).toEqual([]);
  });
});

describe('custom ids', () => {
  test('round-trip any step id and value', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (stepId, value) => {
        expect(decodeCustomId(encodeCustomId({ kind: 'choice', stepId, value }))).toEqual({
          kind: 'choice',
          stepId,
          value,
        });
        expect(decodeCustomId(encodeCustomId({ kind: 'modal', stepId }))).toEqual({ kind: 'modal', stepId });
      }),
    );
  });

  test('foreign ids are not leadbot’s', () => {
    expect(decodeCustomId('other-bot:click')).toBeNull();
    expect(decodeCustomId('lb:z:x')).toBeNull();
    expect(decodeCustomId('lb:c:%E0%A4%A')).toBeNull();
  });
});
