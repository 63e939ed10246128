/**
 * Discord sales alerts through the real adapter (discord.js) against the fake Discord: the
 * outbox row becomes one alert in the sales channel, a crash between posting and marking does
 * not post a second one (the key is found in the channel history), and Claim / Not a fit
 * change the lead and the alert. Lead-typed text pings nobody.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HANDOFF_HINT } from '../../../adapters/discord/alert-render.ts';
import { changeStage, SALES_ALERT } from '../../../src/core/lead-lifecycle.ts';
import { createMemoryStore } from '../../../src/core/memory/memory-store.ts';
import { createOutboxDispatcher } from '../../../src/core/outbox/dispatcher.ts';
import type { AlertPayload, LeadStore } from '../../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../../src/core/webhooks/lead-events.ts';
import { IDS } from '../../fakes/discord-api.ts';
import { createTestClock, silentLogger } from '../../helpers/engine.ts';
import { type Running, startDiscord } from './harness.ts';

const HOSTILE_NAME = '@everyone <@1300000000000000099>';
const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

async function setup() {
  const clock = createTestClock(new Date(Date.now() + 60_000));
  const store: LeadStore = createMemoryStore();
  const bot = await startDiscord(async () => [], {
    config: { salesChannelId: IDS.channel },
    deps: { store, clock },
  });
  running.push(bot);
  const lead = await store.createLead({ name: HOSTILE_NAME, company: '**Acme** <#1300000000000000011>' });
  await store.transaction((tx) =>
    changeStage(tx, NO_LEAD_EVENTS, {
      leadId: lead.id,
      to: 'SQL',
      reason: 'score 80 ≥ 60',
      actor: 'engine',
      now: new Date(),
    }),
  );
  const sink = bot.adapter.alertSink!;
  const dispatcher = createOutboxDispatcher({
    store,
    sinks: { [SALES_ALERT]: sink },
    clock,
    logger: silentLogger,
    workerId: 'w1',
  });
  const posts = () =>
    bot.fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${IDS.channel}/messages`);
  const alerts = () => bot.fake.visible(IDS.channel).filter((m) => m.embeds?.length);
  return { bot, store, lead, sink, dispatcher, posts, alerts };
}

describe('Discord alert sink', () => {
  it('posts one alert with the key in the footer, Claim / Not a fit buttons and no live mention', async () => {
    const { store, lead, dispatcher, posts, alerts } = await setup();
    expect((await dispatcher.runOnce()).delivered).toBe(1);
    expect(posts()).toHaveLength(1);
    const [alert] = alerts();
    const [row] = await store.outbox.list({ kind: SALES_ALERT });
    expect(row).toMatchObject({ status: 'delivered', externalRef: alert!.id });
    expect(alert!.embeds![0]!.footer.text).toBe(`leadbot alert · ${row!.idempotencyKey}`);
    expect(alert!.allowedMentions).toEqual({ parse: [] });
    const json = JSON.stringify(alert);
    expect(json).not.toContain('@everyone');
    expect(json).not.toMatch(/(?<!\\)<@1300000000000000099>|(?<!\\)<#/);
    expect(json).toContain('score 80 ≥ 60');
    expect(alert!.components[0]!.components.map((c: { custom_id: string }) => c.custom_id)).toEqual([
      `lb:alert:claim:${lead.id}`,
      `lb:alert:nofit:${lead.id}`,
    ]);
    expect((await dispatcher.runOnce()).delivered).toBe(0);
    expect(posts()).toHaveLength(1);
  });

  it('after a crash between posting and marking, finds the earlier post instead of posting again', async () => {
    const { store, sink, dispatcher, posts, alerts } = await setup();
    const [row] = await store.outbox.list({ kind: SALES_ALERT });
    // The process that posted died before markDelivered: the row is still pending.
    const first = await sink.deliver(row!.payload as unknown as AlertPayload, row!.idempotencyKey);
    expect(posts()).toHaveLength(1);
    expect((await dispatcher.runOnce()).delivered).toBe(1);
    expect(posts()).toHaveLength(1);
    expect(alerts()).toHaveLength(1);
    const [after] = await store.outbox.list({ kind: SALES_ALERT });
    expect(after).toMatchObject({ status: 'delivered', externalRef: first.externalRef });
  });

  it('Claim assigns the lead to the member who clicked and shows it on the alert', async () => {
    const { bot, store, lead, dispatcher, alerts } = await setup();
    await dispatcher.runOnce();
    const rep = bot.fake.user('rep', 'Rep One');
    bot.fake.click(rep, alerts()[0]!.id, `lb:alert:claim:${lead.id}`);
    // Claimed: Claim / Not a fit give way to Close conversation (the handoff in the thread).
    const alert = await bot.fake.waitFor('alert updated', () => {
      const a = alerts()[0]!;
      return a.components[0]?.components[0]?.custom_id === `lb:alert:close:${lead.id}` ? a : null;
    });
    expect(alert.components[0]!.components).toHaveLength(1);
    expect((await store.getLead(lead.id))?.ownerId).toBe(`discord:${rep.id}`);
    const outcome = alert.embeds![0]!.fields.find((f: { name: string }) => f.name === 'Outcome');
    expect(outcome.value).toBe(`Claimed by <@${rep.id}>\n${HANDOFF_HINT}`);
  });

  it('Not a fit opens a modal; its reason disqualifies the lead, is noted and shown escaped', async () => {
    const { bot, store, lead, dispatcher, alerts } = await setup();
    await dispatcher.runOnce();
    const rep = bot.fake.user('rep', 'Rep One');
    const alertId = alerts()[0]!.id;
    bot.fake.click(rep, alertId, `lb:alert:nofit:${lead.id}`);
    const modal = await bot.fake.waitFor('modal opened', () =>
      bot.fake.requests.find((r) => r.path.endsWith('/callback') && r.body?.type === 9),
    );
    expect(modal.body?.data.custom_id).toBe(`lb:alert:why:${lead.id}`);
    bot.fake.submitModal(rep, alertId, `lb:alert:why:${lead.id}`, 'reason', 'Student @here');
    const alert = await bot.fake.waitFor('alert updated', () => {
      const a = alerts()[0]!;
      return a.components.length === 0 ? a : null;
    });
    expect((await store.getLead(lead.id))?.stage).toBe('disqualified');
    expect((await store.listNotes(lead.id)).map((n) => n.text)).toContain('Not a fit: Student @here');
    const outcome = alert.embeds![0]!.fields.find((f: { name: string }) => f.name === 'Outcome');
    expect(outcome.value).toBe(`Not a fit, per <@${rep.id}>: Student @\u200bhere`);
  });
});
