/** `followUps` in flow files: validated with the flow, stored versions re-parse, the shipped example is valid. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseFlow } from '../../src/core/flow/validate.ts';
import { FLOWS_DIR } from '../helpers/engine.ts';
import { NURTURE_FLOW } from './harness.ts';

describe('followUps in a flow file', () => {
  it('refuses a duration that is not 30m/12h/3d and an empty nurture series', () => {
    const bad = { ...NURTURE_FLOW, followUps: { reminder: { after: '1 day' } } };
    expect(() => parseFlow(bad)).toThrow(/followUps.*reminder.*after|duration/s);
    const empty = { ...NURTURE_FLOW, followUps: { nurture: { every: '1d', messages: [] } } };
    expect(() => parseFlow(empty)).toThrow(/messages/);
  });

  it('keeps durations as written, so a stored version parses again', () => {
    const flow = parseFlow(NURTURE_FLOW);
    expect(flow.definition.followUps?.reminder).toEqual({ after: '1h', max: 2, text: 'Still there?' });
    expect(parseFlow(JSON.parse(JSON.stringify(flow.definition))).version).toBe(flow.version);
  });

  it('the commented example in flows/default.yaml is valid once uncommented', () => {
    const text = readFileSync(join(FLOWS_DIR, 'default.yaml'), 'utf8');
    const block = text.slice(text.indexOf('# followUps:'));
    const uncommented = block
      .split('\n')
      .map((l) => (l.startsWith('# ') ? l.slice(2) : l))
      .join('\n');
    const def = { ...parse(text), ...parse(uncommented) };
    const flow = parseFlow(def);
    expect(flow.definition.followUps?.nurture?.messages).toHaveLength(2);
    expect(flow.definition.followUps?.reengage?.minScore).toBe(1);
  });

  it('email follow-ups need a subject per message, an email step of type email and consent, each with path and fix', () => {
    const email = {
      ...NURTURE_FLOW,
      followUps: {
        nurture: {
          every: '1d',
          channel: 'email',
          messages: [{ text: 'Guide', subject: 'Our guide' }, { text: 'Case' }],
        },
      },
    };
    expect(() => parseFlow(email)).toThrow(
      /followUps\.nurture\.messages\.1\.subject: an email needs a subject \(add subject/,
    );
    const ok = parseFlow({
      ...email,
      followUps: { nurture: { ...email.followUps.nurture, messages: [{ text: 'G', subject: 'S' }] } },
    });
    expect(ok.definition.followUps?.nurture?.channel).toBe('email');

    const { email: _e, ...noEmailStep } = NURTURE_FLOW.steps;
    const without = {
      ...email,
      steps: noEmailStep,
      followUps: { reengage: { after: '7d', text: 'Hi', channel: 'chat-then-email', subject: 'Hi' } },
    };
    expect(() => parseFlow(without)).toThrow(
      /followUps\.reengage\.channel: email follow-ups need a step that asks for the email \(add a step with type: email/,
    );

    const textEmail = {
      ...without,
      steps: { ...NURTURE_FLOW.steps, email: { ask: 'Email?', type: 'text', field: 'email' } },
    };
    expect(() => parseFlow(textEmail)).toThrow(
      /steps\.email\.type: the step filling the email must be of type email/,
    );

    const { consent: _c, ...noConsent } = NURTURE_FLOW.steps;
    expect(() => parseFlow({ ...without, steps: noConsent })).toThrow(
      /email follow-ups need consent \(add a yesno step with field: consent/,
    );
    // Chat-only follow-ups need none of this.
    expect(() =>
      parseFlow({ ...without, steps: noConsent, followUps: { reengage: { after: '7d', text: 'Hi' } } }),
    ).not.toThrow();
  });
});
