/**
 * Claim / Not a fit against Discord's 3-second deadline: the click must be acknowledged (a
 * deferred update) before the database transaction, or a slow database shows "This interaction
 * failed" and the alert never changes. The store here holds its transaction until the fake's
 * clock has passed the deadline (no real waiting), then lets it finish.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HANDOFF_HINT } from '../../../adapters/discord/alert-render.ts';
import { changeStage, SALES_ALERT } from '../../../src/core/lead-lifecycle.ts';
import { createMemoryStore } from '../../../src/core/memory/memory-store.ts';
import { createOutboxDispatcher } from '../../../src/core/outbox/dispatcher.ts';
import type { LeadStore } from '../../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../../src/core/webhooks/lead-events.ts';
import { type FakeMessage, IDS } from '../../fakes/discord-api.ts';
import { createTestClock, silentLogger } from '../../helpers/engine.ts';
import { type Running, startDiscord } from './harness.ts';

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

/** A store whose transactions wait at the door until `open()`; `entered` resolves when one is waiting. */
function slowStore(inner: LeadStore) {
  let open: () => void = () => {};
  let gate = Promise.resolve();
  let entered: () => void = () => {};
  const state = {
    slow: false,
    entered: new Promise<void>(() => {}),
    hold() {
      state.slow = true;
      gate = new Promise((r) => {
        open = r;
      });
      state.entered = new Promise((r) => {
        entered = r;
      });
    },
    open: () => open(),
  };
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'transaction' && state.slow)
        return async <T>(fn: (tx: never) => Promise<T>) => {
          entered();
          await gate;
          return target.transaction(fn as never);
        };
      return Reflect.get(target, key, receiver);
    },
  });
  return { store, state };
}

async function setup() {
  const clock = createTestClock(new Date(Date.now() + 60_000));
  const { store, state } = slowStore(createMemoryStore());
  const bot = await startDiscord(async () => [], {
    config: { salesChannelId: IDS.channel },
    deps: { store, clock },
  });
  running.push(bot);
  const lead = await store.createLead({ name: 'Ada', company: 'Acme' });
  await store.transaction((tx) =>
    changeStage(tx, NO_LEAD_EVENTS, {
      leadId: lead.id,
      to: 'SQL',
      reason: 'score 80',
      actor: 'engine',
      now: new Date(),
    }),
  );
  const dispatcher = createOutboxDispatcher({
    store,
    sinks: { [SALES_ALERT]: bot.adapter.alertSink! },
    clock,
    logger: silentLogger,
    workerId: 'w1',
  });
  await dispatcher.runOnce();
  const alert = () => bot.fake.visible(IDS.channel).find((m) => m.embeds?.length)!;
  return { bot, store, state, lead, alert };
}

const outcome = (m: FakeMessage) =>
  (m.embeds?.[0]?.fields as { name: string; value: string }[] | undefined)?.find((f) => f.name === 'Outcome')
    ?.value;

describe('Discord alert clicks and the 3-second deadline', () => {
  it('Claim on a database slower than 3 s is acknowledged first and still shows its outcome', async () => {
    const { bot, store, state, lead, alert } = await setup();
    const rep = bot.fake.user('rep');
    state.hold();
    const { id } = bot.fake.click(rep, alert().id, `lb:alert:claim:${lead.id}`);
    await state.entered;
    bot.fake.advanceClock(3_500);
    state.open();
    const done = await bot.fake.waitFor('the alert updated', () =>
      alert().components[0]?.components[0]?.custom_id === `lb:alert:close:${lead.id}` ? alert() : null,
    );
    expect(outcome(done)).toBe(`Claimed by <@${rep.id}>\n${HANDOFF_HINT}`);
    expect((await store.getLead(lead.id))?.ownerId).toBe(`discord:${rep.id}`);
    expect(bot.fake.interactions.get(`token-${id}`)?.acked).toBe(true);
    expect(bot.fake.requests.filter((r) => r.status >= 400)).toEqual([]);
  });

  it('Not a fit on a slow database is acknowledged before the transaction too', async () => {
    const { bot, store, state, lead, alert } = await setup();
    const rep = bot.fake.user('rep');
    bot.fake.click(rep, alert().id, `lb:alert:nofit:${lead.id}`);
    await bot.fake.waitFor('modal opened', () =>
      bot.fake.requests.find((r) => r.path.endsWith('/callback') && r.body?.type === 9),
    );
    state.hold();
    bot.fake.submitModal(rep, alert().id, `lb:alert:why:${lead.id}`, 'reason', 'Student');
    await state.entered;
    bot.fake.advanceClock(3_500);
    state.open();
    const done = await bot.fake.waitFor('the alert updated', () =>
      alert().components.length === 0 ? alert() : null,
    );
    expect(outcome(done)).toBe(`Not a fit, per <@${rep.id}>: Student`);
    expect((await store.getLead(lead.id))?.stage).toBe('disqualified');
    expect(bot.fake.requests.filter((r) => r.status >= 400)).toEqual([]);
  });
});
