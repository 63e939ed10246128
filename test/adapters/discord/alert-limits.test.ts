/**
 * Sales alerts on Discord fit whatever the lead typed: maximal and adversarial names,
 * companies, reasons, answers and breakdowns (markup that escaping doubles, mentions,
 * surrogate pairs, backslashes) are escaped, then clipped to each embed limit and to the
 * 6,000-character total — checked by the strict fake's rules, through the real sink, and again
 * after Claim and Not a fit add their Outcome.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderDiscordAlert, renderDiscordAlertOutcome } from '../../../adapters/discord/alert-render.ts';
import { clipEscapedText, fitEmbeds } from '../../../adapters/discord/embed-fit.ts';
import { createMemoryStore } from '../../../src/core/memory/memory-store.ts';
import type { AlertPayload } from '../../../src/core/ports/index.ts';
import { checkMessageBody } from '../../fakes/discord/limits.ts';
import { type FakeMessage, IDS } from '../../fakes/discord-api.ts';
import { createTestClock } from '../../helpers/engine.ts';
import { type Running, startDiscord } from './harness.ts';

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

/** Texts that grow when escaped, or are hard to cut. */
const HOSTILE = [
  '<'.repeat(5000),
  '@everyone '.repeat(700),
  '*_~`|>'.repeat(1500),
  '😀'.repeat(4000),
  '\\'.repeat(6001),
  '<@1300000000000000099> '.repeat(400),
  `${'a'.repeat(1023)}<@&1>`,
];

function payload(text: string, leadId = 'lead-1'): AlertPayload {
  return {
    leadId,
    name: text,
    company: text,
    email: text,
    platform: 'discord',
    source: { platform: 'discord', workspaceId: text, channelId: text, campaign: text },
    stage: 'SQL',
    score: 99,
    reason: text,
    answers: Array.from({ length: 30 }, (_, i) => ({ stepId: `s${i}`, question: text, answer: text })),
    breakdown: Array.from({ length: 30 }, (_, i) => ({ ruleId: `r${i}`, points: 5, reason: text })),
    conversationId: 'conv-1',
  };
}

/** No live mention survives: every `<@`/`<#` is escaped, every @everyone/@here broken. */
function inert(json: string): void {
  expect(json).not.toMatch(/(?<!\\)<[@#]/);
  expect(json).not.toMatch(/@(everyone|here)/);
}

describe('Discord alert limits', () => {
  it.each(HOSTILE.map((t, i) => [i, t]))('hostile text #%s renders within every limit', (_i, text) => {
    const alert = renderDiscordAlert(payload(text as string), 'key-1');
    expect(checkMessageBody(alert as never)).toBeNull();
    inert(JSON.stringify(alert));
    const outcome = renderDiscordAlertOutcome(alert.embeds!, {
      userId: '1300000000000000050',
      claimed: false,
      note: text as string,
    });
    expect(checkMessageBody({ embeds: outcome })).toBeNull();
    // The footer carries the idempotency key: it is never cut for the total.
    expect(outcome[0]!.footer?.text).toBe('leadbot alert · key-1');
    expect(outcome[0]!.fields?.find((f) => f.name === 'Outcome')?.value).toMatch(/^Not a fit, per <@\d+>: /);
  });

  it('cuts never leave half an escape, and short fields survive the 6,000 total', () => {
    expect(clipEscapedText('\\<'.repeat(10), 6)).toBe('\\<\\<…');
    expect(clipEscapedText('ab\\\\cd', 5)).toBe('ab\\\\…');
    const big = 'x'.repeat(4096);
    const [fitted] = fitEmbeds([
      {
        title: 'T',
        description: big,
        fields: [
          { name: 'Score', value: '99' },
          ...Array.from({ length: 5 }, () => ({ name: 'F', value: 'y'.repeat(1024) })),
        ],
        footer: { text: 'leadbot alert · k' },
      },
    ]);
    const total = JSON.stringify(fitted).length;
    expect(checkMessageBody({ embeds: [fitted] })).toBeNull();
    expect(fitted!.fields![0]).toEqual({ name: 'Score', value: '99' });
    expect(total).toBeGreaterThan(5000); // shortened only as much as needed
  });

  it('a maximal alert is posted, claimed and marked not a fit through the real sink', async () => {
    const store = createMemoryStore();
    const bot = await startDiscord(async () => [], {
      config: { salesChannelId: IDS.channel },
      deps: { store, clock: createTestClock(new Date()) },
    });
    running.push(bot);
    const alerts = () => bot.fake.visible(IDS.channel).filter((m) => m.embeds?.length);
    const outcome = (m: FakeMessage) =>
      ((m.embeds?.[0]?.fields ?? []) as { name: string; value: string }[]).find((f) => f.name === 'Outcome')
        ?.value;
    for (const [n, text] of [HOSTILE[0]!, HOSTILE[4]!].entries()) {
      const lead = await store.createLead({ name: 'x' });
      await bot.adapter.alertSink!.deliver(payload(text, lead.id), `key-${n}`);
      const alert = alerts().at(-1)!;
      const rep = bot.fake.user(`rep${n}`);
      if (n === 0) bot.fake.click(rep, alert.id, `lb:alert:claim:${lead.id}`);
      else {
        bot.fake.click(rep, alert.id, `lb:alert:nofit:${lead.id}`);
        await bot.fake.waitFor('modal', () => bot.fake.requests.find((r) => r.body?.type === 9));
        bot.fake.submitModal(rep, alert.id, `lb:alert:why:${lead.id}`, 'reason', '<'.repeat(500));
      }
      const done = await bot.fake.waitFor('outcome shown', () => (outcome(alert) ? alert : null));
      expect(outcome(done)).toContain(`<@${rep.id}>`);
    }
    expect(alerts()).toHaveLength(2);
    expect(bot.fake.requests.filter((r) => r.status >= 400)).toEqual([]);
  });
});
