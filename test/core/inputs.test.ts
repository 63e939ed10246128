import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/flow/conditions.ts';
import { parseAnswer, parseChoice } from '../../src/core/flow/inputs.ts';
import type { FlowStep } from '../../src/core/flow/schema.ts';
import { render } from '../../src/core/flow/template.ts';

const step = (s: Partial<FlowStep>): FlowStep => ({
  ask: 'Q',
  type: 'text',
  maxAttempts: 3,
  onInvalid: 'skip',
  ...s,
});
const choice = step({
  type: 'choice',
  options: [
    { value: 'a', label: 'Alpha' },
    { value: 'b', label: 'Beta' },
  ],
});

describe('answer parsing', () => {
  it('reads choices by number, label or value, case-insensitively', () => {
    expect(parseAnswer(choice, '2')).toMatchObject({ ok: true, value: 'b' });
    expect(parseAnswer(choice, ' alpha ')).toMatchObject({ ok: true, value: 'a' });
    expect(parseAnswer(choice, 'B')).toMatchObject({ ok: true, value: 'b' });
    expect(parseAnswer(choice, '3')).toMatchObject({ ok: false });
    expect(parseAnswer(choice, 'a, b')).toMatchObject({ ok: false });
  });

  it('reads several options for a multichoice, within min/max', () => {
    const multi = { ...choice, type: 'multichoice' as const, max: 2 };
    expect(parseAnswer(multi, '1, beta')).toMatchObject({ ok: true, value: ['a', 'b'] });
    expect(parseChoice(multi, ['b'])).toMatchObject({ ok: true, value: ['b'] });
    expect(parseChoice({ ...multi, min: 2 }, ['b'])).toMatchObject({ ok: false });
  });

  it('validates email, phone, url, number and yes/no', () => {
    expect(parseAnswer(step({ type: 'email' }), ' Jane@Acme.Example ')).toMatchObject({
      value: 'jane@acme.example',
    });
    expect(parseAnswer(step({ type: 'email' }), 'jane@acme')).toMatchObject({ ok: false });
    expect(parseAnswer(step({ type: 'phone' }), '+33 (1) 23-45-67-89')).toMatchObject({
      value: '+33123456789',
    });
    expect(parseAnswer(step({ type: 'phone' }), 'call me')).toMatchObject({ ok: false });
    expect(parseAnswer(step({ type: 'url' }), 'acme.example/pricing')).toMatchObject({
      value: 'https://acme.example/pricing',
    });
    expect(parseAnswer(step({ type: 'url' }), 'javascript:alert(1)')).toMatchObject({ ok: false });
    expect(parseAnswer(step({ type: 'number', min: 1, max: 100 }), 'about 20 people')).toMatchObject({
      value: 20,
    });
    expect(parseAnswer(step({ type: 'number' }), '1,500')).toMatchObject({ value: 1500 });
    expect(parseAnswer(step({ type: 'number' }), '2k')).toMatchObject({ value: 2000 });
    expect(parseAnswer(step({ type: 'number', max: 100 }), '500')).toMatchObject({ ok: false });
    expect(parseAnswer(step({ type: 'yesno' }), 'Yes!')).toMatchObject({ value: true });
    expect(parseAnswer(step({ type: 'yesno' }), 'nope')).toMatchObject({ value: false });
    expect(parseAnswer(step({ type: 'yesno' }), 'perhaps')).toMatchObject({ ok: false });
  });

  it('bounds free text and strips control characters', () => {
    expect(parseAnswer(step({ type: 'text', min: 2 }), 'A')).toMatchObject({ ok: false });
    expect(parseAnswer(step({ type: 'text' }), 'x'.repeat(10_000))).toMatchObject({ ok: false });
    expect(parseAnswer(step({ type: 'text' }), 'Ac\u0000me\u001b')).toMatchObject({ value: 'Acme' });
    expect(parseAnswer(step({ type: 'text' }), '   ')).toMatchObject({ ok: false });
  });
});

describe('conditions and templates', () => {
  const vars = { size: 42, role: 'Exec', tags: ['a', 'b'], email: '' };
  it('evaluates comparisons, membership, existence and combinators', () => {
    expect(evaluate({ var: 'size', gte: 42 }, vars)).toBe(true);
    expect(evaluate({ var: 'size', lt: 42 }, vars)).toBe(false);
    expect(evaluate({ var: 'role', equals: 'exec' }, vars)).toBe(true);
    expect(evaluate({ var: 'role', in: ['manager', 'exec'] }, vars)).toBe(true);
    expect(evaluate({ var: 'tags', contains: 'b' }, vars)).toBe(true);
    expect(evaluate({ var: 'email', exists: true }, vars)).toBe(false);
    expect(evaluate({ var: 'missing', exists: false }, vars)).toBe(true);
    expect(evaluate({ var: 'role', gt: 1 }, vars)).toBe(false);
    expect(
      evaluate(
        { all: [{ var: 'size', gt: 10 }, { not: { any: [{ var: 'role', equals: 'student' }] } }] },
        vars,
      ),
    ).toBe(true);
  });

  it('renders variables with inline defaults', () => {
    expect(render('Hi {{name|there}}, {{tags}}!', { tags: ['a', 'b'] })).toBe('Hi there, a, b!');
    expect(render('At {{ company }}', { company: 'Acme' })).toBe('At Acme');
  });
});
