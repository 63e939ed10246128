/**
 * `LeadStore.followUpState`, the follow-up planner's one read after every direct event: the
 * same lead and conversation the store's other reads give, the newest conversation by start,
 * the scheduled messages' state — and no lead, no state. Part of the LeadStore contract; the
 * memory store's plain composition (src/core/nurture/follow-up-state.ts) is the reference.
 */
import { expect, it } from 'vitest';
import { followUpStateOf } from '../../src/core/nurture/follow-up-state.ts';
import type { IdentityKey, LeadStore } from '../../src/core/ports/index.ts';
import { directStatementCount } from '../../src/store/direct-raw.ts';

let n = 0;
const key = (userId = `fu-${++n}-${Math.random().toString(36).slice(2, 8)}`): IdentityKey => ({
  platform: 'telegram',
  workspaceId: 'W1',
  userId,
});

const target = { platform: 'telegram', workspaceId: 'W1', channelId: 'C1' } as const;

export function followUpStateContract(store: () => LeadStore): void {
  it('followUpState: null without a lead, even for a key no column can store', async () => {
    expect(await store().followUpState(key())).toBeNull();
    expect(await store().followUpState(key('nul\u0000 🦄 <!channel>'))).toBeNull();
  });

  it('followUpState: a lead without conversation or schedule', async () => {
    const k = key();
    const lead = await store().createLead({ name: 'Ada' }, k);
    expect(await store().followUpState(k)).toEqual({
      lead,
      conversation: null,
      nurtureSent: false,
      pendingKeys: [],
    });
  });

  it('followUpState: the newest conversation whatever its status, and the schedules as they stand', async () => {
    const s = store();
    const k = key();
    const lead = await s.createLead({ email: 'ada@example.com' }, k);
    const conv = (currentStep: string | null) =>
      s.createConversation({
        leadId: lead.id,
        flowId: 'default',
        flowVersion: 'v1',
        currentStep,
        ...target,
        variables: { lang: 'en', note: 'quotes "and" 🦄', n: 3 },
      });
    const first = await conv('budget');
    const second = await conv(null);
    const done = await s.updateConversation(second, { status: 'completed', endedAt: new Date() });
    await s.updateLead(lead.id, { score: 42, stage: 'MQL' });

    const plan = (k2: string, kind: 'nurture' | 'reminder' | 'reengage', dueAt: Date) =>
      s.schedules.plan({ key: k2, leadId: lead.id, kind, ...target, sequence: 0, dueAt });
    const past = new Date(Date.now() - 60_000);
    const later = new Date(Date.now() + 3_600_000);
    await plan(`nurture:${lead.id}:0`, 'nurture', past);
    await plan(`nurture:${lead.id}:1`, 'nurture', later);
    await plan(`reminder:${first.id}:budget:1:1`, 'reminder', later);

    const before = await s.followUpState(k);
    expect(before?.nurtureSent).toBe(false);
    expect(before?.conversation).toEqual(done);
    expect(before?.conversation).toEqual(await s.getConversation(second.id));

    const [claimed] = await s.schedules.claim({ workerId: 'w', limit: 1, now: new Date(), leaseMs: 60_000 });
    await s.schedules.finish(claimed!.id, 'w', 'sent', 'sent', new Date(), 'chat');

    const state = await s.followUpState(k);
    expect(state).not.toBeNull();
    expect(state!.lead).toEqual(await s.getLead(lead.id));
    expect(state!.lead).toMatchObject({ score: 42, stage: 'MQL', email: 'ada@example.com' });
    expect(state!.conversation).toEqual(done);
    expect(state!.nurtureSent).toBe(true);
    expect([...state!.pendingKeys].sort()).toEqual([
      `nurture:${lead.id}:1`,
      `reminder:${first.id}:budget:1:1`,
    ]);
    const reference = await followUpStateOf(s, s.schedules, k);
    expect({ ...state!, pendingKeys: [...state!.pendingKeys].sort() }).toEqual({
      ...reference,
      pendingKeys: [...reference!.pendingKeys].sort(),
    });
  });

  it('followUpState: reads made together share one statement, each answered with its own account', async () => {
    const s = store();
    const keys = [key(), key(), key(), key('twin\u0000 🦄')];
    const leads = [
      await s.createLead({ name: 'A' }, keys[0]!),
      null,
      await s.createLead({ name: 'C' }, keys[2]!),
      // Stored as the store stores text (no NUL), found again by the key as typed.
      await s.createLead({ name: 'D' }, keys[3]!),
    ];
    const before = directStatementCount(); // SQL stores only (direct-raw.ts); memory counts none
    const states = await Promise.all(keys.map((k) => s.followUpState(k)));
    expect(directStatementCount() - before).toBeLessThanOrEqual(1);
    expect(states.map((st) => st?.lead.id ?? null)).toEqual([leads[0]!.id, null, leads[2]!.id, leads[3]!.id]);
    expect(states[0]?.lead.name).toBe('A');
  });
}
