/**
 * What the Slack renderers send always fits what Slack accepts: checked against the strict
 * fake's rules (test/fakes/slack/limits.ts) directly, and end to end through the real
 * WebClient posting to the strict fake, with maximal and adversarial input.
 */
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { renderSlackAlert } from '../../../adapters/slack/alert-render.ts';
import { createSlackAlertSink } from '../../../adapters/slack/alert-sink.ts';
import { escapeMrkdwn, formatMrkdwn } from '../../../adapters/slack/escape.ts';
import { labelsFor, renderMessage } from '../../../adapters/slack/outbound.ts';
import { SLACK_SEND_LIMITS } from '../../../adapters/slack/tools.ts';
import { checkSendable } from '../../../src/core/flow/sendable.ts';
import { parseFlow } from '../../../src/core/flow/validate.ts';
import type { AlertPayload } from '../../../src/core/ports/index.ts';
import { blockErrors, messageRefusal } from '../../fakes/slack/limits.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../fakes/slack-api.ts';
import { hostileAlert } from '../../fixtures/slack/alert-payload.ts';
import { silentLogger } from '../../helpers/engine.ts';

/** Every `&` of mrkdwn starts a whole entity: no escape was cut in half. */
const entitiesWhole = (text: string) => text.replace(/&(amp|lt|gt);/g, '').includes('&') === false;

const huge = (c: string, n: number) => c.repeat(n);

// biome-ignore lint/suspicious/noExplicitAny: blocks read back as the JSON Slack receives.
type Json = any;
const blocksOf = (p: { blocks: unknown[] }) => p.blocks as Json[];

/** Every text field of a lead at a size nobody types, in the characters escaping grows most. */
const maximalAlert: AlertPayload = {
  ...hostileAlert,
  name: huge('<', 600),
  company: huge('&', 5000),
  email: `${huge('a', 300)}@x.example`,
  source: { platform: 'slack', workspaceId: huge('>', 900), channelId: 'C1', campaign: huge('_', 3000) },
  reason: huge('<', 10_000),
  answers: Array.from({ length: 120 }, (_, i) => ({
    stepId: `s${i}`,
    question: huge('<', 1000),
    answer: `${huge('&', 4999)}<!channel>`,
  })),
  breakdown: Array.from({ length: 80 }, (_, i) => ({ ruleId: `r${i}`, points: i, reason: huge('>', 1000) })),
};

let fake: FakeSlackApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('Slack mrkdwn escaping keeps links working', () => {
  it('leaves a URL intact (no look-alikes inside) and makes the text around it inert', () => {
    const out = escapeMrkdwn('Read https://ex.com/buyers_guide?utm_source=slack&x=1. *now* <!channel>');
    expect(out).toBe(
      'Read <https://ex.com/buyers_guide?utm_source=slack&amp;x=1>. \u2217now\u2217 &lt;!channel&gt;',
    );
  });

  it('turns an authored [label](url) into <url|label> in the bot’s own messages only', () => {
    expect(formatMrkdwn('See [our _guide_](https://ex.com/a_b?c=d)')).toBe(
      'See <https://ex.com/a_b?c=d|our \uFF3Fguide\uFF3F>',
    );
    // In a person's text shown to others (alerts, lead cards) a label could disguise a link.
    expect(escapeMrkdwn('[bank](https://evil.example)')).not.toContain('|');
  });

  it('sends a nurture link from a flow as a working link', () => {
    const blocks = blocksOf(
      renderMessage(
        { kind: 'info', text: 'Our guide\nhttps://example.com/buyers_guide?utm_source=slack' },
        true,
      ),
    );
    expect(JSON.stringify(blocks)).toContain('<https://example.com/buyers_guide?utm_source=slack>');
  });
});

describe('Slack alerts fit whatever the person typed', () => {
  it('renders a maximal, adversarial alert that Slack accepts, every entity whole', () => {
    const payload = renderSlackAlert(maximalAlert, 'U0ANN');
    expect(blockErrors(payload.blocks)).toEqual([]);
    expect(messageRefusal(payload)).toBeNull();
    for (const b of blocksOf(payload)) {
      const texts = [b.text?.text, ...(b.fields ?? []).map((f: { text: string }) => f.text)];
      for (const t of texts) if (t) expect(entitiesWhole(t), t.slice(-20)).toBe(true);
    }
    expect(JSON.stringify(payload)).not.toContain('<!channel>');
  });

  it('is delivered by the alert sink through the strict fake', async () => {
    fake = await startFakeSlackApi({ channels: ['C0SALES'] });
    const client = new webApi.WebClient('xoxb-test', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
    });
    const sink = createSlackAlertSink({ client, channel: 'C0SALES', logger: silentLogger });
    await expect(sink.deliver(maximalAlert, 'sales_alert:max')).resolves.toMatchObject({
      externalRef: expect.any(String),
    });
    expect(fake.channels.get('C0SALES')).toHaveLength(1);
  });
});

describe('Slack questions never lose an option or exceed a limit', () => {
  const choices = (n: number, value = (i: number) => `v${i}`) =>
    Array.from({ length: n }, (_, i) => ({ label: `Option ${i}`, value: value(i) }));

  it('offers all of 12 options of a multiple choice (a checkbox group holds 10) in a multi-select', () => {
    const blocks = blocksOf(
      renderMessage(
        { kind: 'question', text: 'Pick', stepId: 'tools', multiple: true, choices: choices(12) },
        true,
      ),
    );
    expect(blockErrors(blocks)).toEqual([]);
    const picker = blocks.find((b) => b.type === 'actions').elements[0];
    expect(picker.type).toBe('multi_static_select');
    expect(picker.options).toHaveLength(12);
    expect(labelsFor(blocks, ['v11'])).toEqual(['Option 11']);
  });

  it('keeps checkboxes up to 10 options', () => {
    const blocks = blocksOf(
      renderMessage(
        { kind: 'question', text: 'Pick', stepId: 'tools', multiple: true, choices: choices(10) },
        true,
      ),
    );
    expect(blocks.find((b) => b.type === 'actions').elements[0].type).toBe('checkboxes');
  });

  it('offers all of 30 single choices (an actions block holds 25 buttons) in a select menu', () => {
    const blocks = blocksOf(
      renderMessage({ kind: 'question', text: 'Pick', stepId: 'role', choices: choices(30) }, true),
    );
    expect(blockErrors(blocks)).toEqual([]);
    const select = blocks.find((b) => b.type === 'actions').elements[0];
    expect(select).toMatchObject({ type: 'static_select', action_id: 'lb_choice_select' });
    expect(select.options).toHaveLength(30);
  });

  it('splits a 20,000-character text of escapable characters into sections Slack accepts', () => {
    const payload = renderMessage({ kind: 'info', text: huge('<', 20_000) }, true);
    expect(messageRefusal(payload)).toBeNull();
    expect(payload.blocks.length).toBeGreaterThan(20);
    const shown = blocksOf(payload)
      .map((b) => b.text.text)
      .join('');
    expect(shown.replace(/&lt;/g, '<')).toBe(huge('<', 20_000)); // nothing lost
  });

  it('refuses an option value over 150 characters when the flow loads, with its path', () => {
    const flow = parseFlow({
      id: 'long-values',
      messages: { welcome: 'Hi' },
      steps: {
        tools: {
          ask: 'Which?',
          type: 'multichoice',
          options: [
            { value: 'v'.repeat(151), label: 'Long' },
            { value: 'ok', label: 'x'.repeat(76) },
          ],
        },
      },
    }).definition;
    expect(checkSendable(flow, SLACK_SEND_LIMITS).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'steps.tools.options[0].value: 151 characters, Slack allows 150',
      'steps.tools.options[1].label: 76 characters, Slack allows 75',
    ]);
    // Were it sent anyway (validation skipped), the renderer still sends nothing Slack refuses.
    const blocks = blocksOf(
      renderMessage(
        {
          kind: 'question',
          text: 'Which?',
          stepId: 'tools',
          multiple: true,
          choices: [{ value: 'v'.repeat(151), label: 'Long' }],
        },
        true,
      ),
    );
    expect(blockErrors(blocks)).toEqual([]);
  });
});

describe('Slack renderers under fuzzed input', () => {
  /** A small deterministic PRNG (mulberry32), so a failure replays. */
  function rng(seed: number) {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const PIECES = [
    '<',
    '>',
    '&',
    '*',
    '_',
    '~',
    '`',
    '|',
    '\n',
    ' ',
    'a',
    'é',
    '😀',
    '<!channel>',
    '<@U1>',
    'https://x.io/a_b?c=1&d=2',
    '[l](https://y.io/_)',
    '&amp;',
    '\u202e',
  ];

  it('never produces a payload Slack refuses, nor a cut entity, for 300 random texts', () => {
    const next = rng(16);
    for (let i = 0; i < 300; i++) {
      const length = Math.floor(next() * 1500);
      let text = '';
      while (text.length < length) text += PIECES[Math.floor(next() * PIECES.length)];
      const message = renderMessage(
        {
          kind: 'question',
          text,
          stepId: text.slice(0, 300),
          choices: [{ label: 'x', value: text.slice(0, 150) || 'v' }],
        },
        i % 2 === 0,
      );
      expect(messageRefusal(message), text.slice(0, 80)).toBeNull();
      const alert = renderSlackAlert({
        ...hostileAlert,
        name: text,
        company: text,
        reason: text,
        answers: [{ stepId: 's', question: text, answer: text }],
      });
      expect(messageRefusal(alert), text.slice(0, 80)).toBeNull();
      for (const b of blocksOf(alert)) if (b.text?.text) expect(entitiesWhole(b.text.text)).toBe(true);
    }
  });
});
