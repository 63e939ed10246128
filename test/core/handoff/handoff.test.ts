/**
 * The handoff use cases on every store (memory, SQLite, PostgreSQL), through their real entry
 * points: a rep's thread reply (relayRepMessage), the person's next messages through the engine,
 * and close (closeHandoff). What is checked is what the platforms and the webhook receivers would
 * be handed: the outbox rows, the transcript and the announced lead events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/core/engine.ts';
import type { InboundEvent } from '../../../src/core/events.ts';
import { closeHandoff } from '../../../src/core/handoff/close-handoff.ts';
import { relayRepMessage } from '../../../src/core/handoff/relay-rep-message.ts';
import { SALES_ALERT } from '../../../src/core/lead-lifecycle.ts';
import {
  HANDOFF_TO_PROSPECT,
  HANDOFF_TO_SALES,
  type LeadStore,
  type OutboxItem,
} from '../../../src/core/ports/index.ts';
import { claimLead } from '../../../src/core/sales/claim-lead.ts';
import { createWebhookLeadEvents, WEBHOOK_KIND } from '../../../src/core/webhooks/lead-events.ts';
import { createTestClock, createTestEngine, dm } from '../../helpers/engine.ts';
import { type OpenedStore, storeBackends } from '../../helpers/stores.ts';

const clock = createTestClock(new Date('2026-03-02T12:00:00.000Z'));
const leadEvents = createWebhookLeadEvents({ urls: ['https://crm.example/hook'], format: 'leadbot' }, clock);

let seq = 0;
const uniq = () => `${++seq}-${Math.random().toString(36).slice(2, 7)}`;

for (const backend of storeBackends()) {
  describe(`handoff on ${backend.name}`, () => {
    let opened: OpenedStore | null = null;
    let store: LeadStore;
    let engine: Engine;
    beforeAll(async () => {
      opened = await backend.open();
      if (!opened) return;
      store = opened.store;
      ({ engine } = await createTestEngine({ store, clock, leadEvents }));
    });
    afterAll(async () => opened?.cleanup());
    const skip = () => opened === null;
    const deps = () => ({ store, leadEvents, clock });

    /** A Telegram prospect in the flow, with a delivered alert claimed by `slack:UREP`. */
    async function prospectWithAlert(claim = true) {
      const userId = `P${uniq()}`;
      const from = (body: Parameters<typeof dm>[0]): InboundEvent =>
        dm(body, {
          platform: 'telegram',
          workspaceId: '',
          channelId: `chat-${userId}`,
          userId,
          displayName: 'Pat Doe',
        });
      await engine.handle(from({ kind: 'command', name: 'start' }));
      const lead = (await store.findLeadByIdentity({ platform: 'telegram', workspaceId: '', userId }))!;
      const ref = `1700.${uniq()}`;
      const key = `${SALES_ALERT}:${uniq()}`;
      await store.enqueueOutbox({ kind: SALES_ALERT, idempotencyKey: key, leadId: lead.id, payload: {} });
      const now = new Date('2031-01-01T00:00:00.000Z');
      const claimed = await store.outbox.claim({
        workerId: 't',
        limit: 100,
        now,
        leaseMs: 1,
        kinds: [SALES_ALERT],
      });
      await store.outbox.markDelivered(claimed.find((r) => r.idempotencyKey === key)!.id, 't', ref, now);
      if (claim)
        await claimLead(deps(), {
          leadId: lead.id,
          rep: 'slack:UREP',
          event: { platform: 'slack', eventId: uniq() },
        });
      return { lead, from, alert: { sink: 'slack', externalRef: ref }, userId };
    }
    const reply = (alert: { sink: string; externalRef: string }, text: string, rep = 'slack:UREP') => ({
      alert,
      rep,
      repName: 'Ana',
      text,
      event: { platform: 'slack', eventId: `reply-${uniq()}` },
    });
    const rows = async (kind: string, leadId: string): Promise<OutboxItem[]> =>
      (await store.outbox.list({ kind })).filter((r) => r.leadId === leadId);
    const announced = async (leadId: string) =>
      (await rows(WEBHOOK_KIND, leadId)).map((r) => (r.payload as { event: { type: string } }).event.type);

    it("relays the owner's reply: joined line and message for the person, transcript, webhooks; a replay changes nothing", async () => {
      if (skip()) return;
      const { lead, alert, userId } = await prospectWithAlert();
      const input = reply(alert, 'Hi Pat, Ana here \u202Ewith a question');
      const result = await relayRepMessage(deps(), input);
      expect(result).toMatchObject({ outcome: 'relayed', leadId: lead.id, opened: true });
      const to = { platform: 'telegram', workspaceId: '', userId, channelId: `chat-${userId}` };
      const sent = await rows(HANDOFF_TO_PROSPECT, lead.id);
      expect(sent.map((r) => r.payload)).toEqual([
        expect.objectContaining({ to, message: { kind: 'joined', repName: 'Ana' } }),
        expect.objectContaining({
          to,
          message: { kind: 'rep', repName: 'Ana', text: 'Hi Pat, Ana here with a question' },
        }),
      ]);
      const transcript = await store.handoffs.listMessages(lead.id);
      expect(transcript.map((m) => [m.direction, m.author, m.text])).toEqual([
        ['notice', 'slack:UREP', 'Ana joined the conversation'],
        ['to_prospect', 'slack:UREP', 'Hi Pat, Ana here with a question'],
      ]);
      expect(sent[1]?.idempotencyKey).toBe(`${HANDOFF_TO_PROSPECT}:${transcript[1]?.id}`);
      expect((await store.getLead(lead.id))?.openHandoffId).toBe(
        result.outcome === 'relayed' && result.handoffId,
      );
      expect(await announced(lead.id)).toEqual([
        'lead.created',
        'lead.claimed',
        'lead.handoff_started',
        'lead.message',
      ]);
      const events = (await rows(WEBHOOK_KIND, lead.id)).map((r) => (r.payload as { event: object }).event);
      expect(events[2]).toMatchObject({
        handoff: { openedBy: 'slack:UREP', openedByName: 'Ana', platform: 'telegram' },
      });
      expect(events[3]).toMatchObject({
        type: 'lead.message',
        message: {
          direction: 'to_prospect',
          author: 'slack:UREP',
          authorName: 'Ana',
          text: 'Hi Pat, Ana here with a question',
        },
      });

      expect(await relayRepMessage(deps(), input)).toEqual({ outcome: 'replayed' });
      expect(await rows(HANDOFF_TO_PROSPECT, lead.id)).toHaveLength(2);
      expect(await store.handoffs.listMessages(lead.id)).toHaveLength(2);

      const second = await relayRepMessage(deps(), reply(alert, 'Are you free at 3?'));
      expect(second).toMatchObject({ outcome: 'relayed', opened: false });
      expect(await rows(HANDOFF_TO_PROSPECT, lead.id)).toHaveLength(3);
    });

    it('refuses a rep who has not claimed the lead, unless anyone in the channel may reply', async () => {
      if (skip()) return;
      const { lead, alert } = await prospectWithAlert();
      expect(await relayRepMessage(deps(), reply(alert, 'hello', 'slack:UOTHER'))).toEqual({
        outcome: 'not_claimed',
        ownerId: 'slack:UREP',
      });
      const unclaimed = await prospectWithAlert(false);
      expect(await relayRepMessage(deps(), reply(unclaimed.alert, 'hello'))).toEqual({
        outcome: 'not_claimed',
        ownerId: null,
      });
      expect(await rows(HANDOFF_TO_PROSPECT, lead.id)).toEqual([]);
      expect(await store.handoffs.list(lead.id)).toEqual([]);
      const anyone = await relayRepMessage(deps(), {
        ...reply(alert, 'hello', 'slack:UOTHER'),
        who: 'channel',
      });
      expect(anyone).toMatchObject({ outcome: 'relayed', opened: true });
      expect((await store.handoffs.list(lead.id))[0]?.openedBy).toBe('slack:UOTHER');
    });

    it('says what it cannot do: an unknown alert, nothing visible, a lead with no private chat', async () => {
      if (skip()) return;
      expect(await relayRepMessage(deps(), reply({ sink: 'slack', externalRef: 'nope' }, 'hi'))).toEqual({
        outcome: 'unknown_alert',
      });
      const { alert } = await prospectWithAlert();
      expect(await relayRepMessage(deps(), reply(alert, ' \u200B\n'))).toEqual({ outcome: 'empty' });
      // An email-only lead (created by a manager, no account, no conversation).
      const lead = await store.createLead({ email: 'x@example.com', ownerId: 'slack:UREP' });
      const key = `${SALES_ALERT}:${uniq()}`;
      await store.enqueueOutbox({ kind: SALES_ALERT, idempotencyKey: key, leadId: lead.id, payload: {} });
      const now = new Date('2031-01-01T00:00:00.000Z');
      const claimed = await store.outbox.claim({
        workerId: 't',
        limit: 100,
        now,
        leaseMs: 1,
        kinds: [SALES_ALERT],
      });
      await store.outbox.markDelivered(
        claimed.find((r) => r.idempotencyKey === key)!.id,
        't',
        `E${uniq()}`,
        now,
      );
      const ref = (await store.outbox.list({ kind: SALES_ALERT })).find((r) => r.idempotencyKey === key)!
        .externalRef!;
      expect(await relayRepMessage(deps(), reply({ sink: 'slack', externalRef: ref }, 'hi'))).toEqual({
        outcome: 'unreachable',
      });
      expect(await store.handoffs.list(lead.id)).toEqual([]);
    });

    it("sends the person's messages to the thread instead of the flow while open, and back to the flow after close", async () => {
      if (skip()) return;
      const { lead, from, alert } = await prospectWithAlert();
      await relayRepMessage(deps(), reply(alert, 'Hi Pat'));
      const conversation = await store.findOpenConversation(lead.id);

      expect(await engine.handle(from({ kind: 'message', text: 'Hi Ana! Tuesday works' }))).toEqual([]);
      expect(await engine.handle(from({ kind: 'choice', values: ['evaluating'], stepId: 'need' }))).toEqual(
        [],
      );
      const posts = (await rows(HANDOFF_TO_SALES, lead.id)).map((r) => r.payload);
      expect(posts).toEqual([
        {
          leadId: lead.id,
          alert,
          post: { kind: 'prospect', name: 'Pat Doe', text: 'Hi Ana! Tuesday works' },
        },
        {
          leadId: lead.id,
          alert,
          post: { kind: 'prospect', name: 'Pat Doe', text: 'Evaluating a tool for my team' },
        },
      ]);
      // The flow did not move: same step, no answer recorded.
      const still = await store.findOpenConversation(lead.id);
      expect(still?.currentStep).toBe(conversation?.currentStep);
      expect(await store.listAnswers(conversation!.id)).toEqual([]);

      const close = {
        alert,
        by: 'slack:UREP',
        byName: 'Ana',
        event: { platform: 'slack', eventId: `close-${uniq()}` },
      };
      expect(await closeHandoff(deps(), close)).toMatchObject({ outcome: 'closed', leadId: lead.id });
      expect(await closeHandoff(deps(), close)).toEqual({ outcome: 'replayed' });
      expect(
        await closeHandoff(deps(), { ...close, event: { platform: 'slack', eventId: `close-${uniq()}` } }),
      ).toEqual({ outcome: 'not_open' });
      expect((await rows(HANDOFF_TO_PROSPECT, lead.id)).at(-1)?.payload).toMatchObject({
        message: { kind: 'closed', repName: 'Ana' },
      });
      expect((await rows(HANDOFF_TO_SALES, lead.id)).at(-1)?.payload).toMatchObject({
        post: { kind: 'closed', by: 'Ana' },
      });
      expect((await store.getLead(lead.id))?.openHandoffId).toBeNull();

      // Back to the flow: the choice answers the step the person still sees.
      const out = await engine.handle(from({ kind: 'choice', values: ['evaluating'], stepId: 'need' }));
      expect(out.at(-1)?.stepId).toBe('company');
      expect(await rows(HANDOFF_TO_SALES, lead.id)).toHaveLength(3);
      const transcript = (await store.handoffs.listMessages(lead.id)).map((m) => [m.direction, m.authorName]);
      expect(transcript).toEqual([
        ['notice', 'Ana'],
        ['to_prospect', 'Ana'],
        ['from_prospect', 'Pat Doe'],
        ['from_prospect', 'Pat Doe'],
        ['notice', 'Ana'],
      ]);
      expect(await announced(lead.id)).toEqual([
        'lead.created',
        'lead.claimed',
        'lead.handoff_started',
        'lead.message',
        'lead.message',
        'lead.message',
        'lead.handoff_closed',
      ]);
    });

    it('a replayed prospect event changes nothing', async () => {
      if (skip()) return;
      const { lead, from, alert } = await prospectWithAlert();
      await relayRepMessage(deps(), reply(alert, 'Hi Pat'));
      const event = from({ kind: 'message', text: 'once' });
      await engine.handle(event);
      expect(await engine.handle(event)).toEqual([]);
      expect(await rows(HANDOFF_TO_SALES, lead.id)).toHaveLength(1);
      expect(
        (await store.handoffs.listMessages(lead.id)).filter((m) => m.direction === 'from_prospect'),
      ).toHaveLength(1);
    });

    it('forget erases the handoff and the transcript', async () => {
      if (skip()) return;
      const { lead, from, alert } = await prospectWithAlert();
      await relayRepMessage(deps(), reply(alert, 'Hi Pat'));
      await engine.handle(from({ kind: 'message', text: 'my secret' }));
      await store.deleteLead(lead.id);
      expect(await store.handoffs.listMessages(lead.id)).toEqual([]);
      expect(await store.handoffs.list(lead.id)).toEqual([]);
      expect(await rows(HANDOFF_TO_SALES, lead.id)).toEqual([]);
    });
  });
}
