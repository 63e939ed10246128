/**
 * The core side of attribution and the lead card extras: `qualify` puts the inviting manager
 * on the prompt, acceptance records it (first invitation wins), and the card and
 * `stats` show it with the lead's follow-ups and rep verdicts.
 */
import { describe, expect, it } from 'vitest';
import { recordConsent } from '../../../src/core/outreach/accept-invitation.ts';
import { buildFunnel } from '../../../src/core/reporting-rules.ts';
import { setup } from './helpers.ts';

const key = (userId: string) => ({ platform: 'slack' as const, workspaceId: 'T1', userId });

describe('qualify and consent record the inviting manager', () => {
  it('the prompt names the manager; acceptance credits them once', async () => {
    const t = setup({ managers: ['UMGR', 'UMGR2'] });
    const reply = await t.run('qualify @UJANE');
    expect(reply.prompt).toEqual(expect.objectContaining({ userId: 'UJANE', invitedBy: 'slack:UMGR' }));
    const lead = await t.addLead('UJANE');
    await recordConsent(t.store, key('UJANE'), 'slack:UMGR', t.clock.now());
    expect(await t.store.getLead(lead.id)).toMatchObject({ consent: true, invitedBy: 'slack:UMGR' });
    await recordConsent(t.store, key('UJANE'), 'slack:UMGR2', t.clock.now());
    expect((await t.store.getLead(lead.id))?.invitedBy).toBe('slack:UMGR');
  });

  it('consent without an inviter (an intent offer) credits nobody', async () => {
    const t = setup();
    const lead = await t.addLead('UANN');
    await recordConsent(t.store, key('UANN'), undefined, t.clock.now());
    expect(await t.store.getLead(lead.id)).toMatchObject({ consent: true, invitedBy: null });
  });
});

describe('lead card: inviter, follow-ups, verdicts', () => {
  it('shows them, in order, and leaves the sections out when empty', async () => {
    const t = setup();
    const bare = await t.addLead('UBOB');
    const bareCard = (await t.run(`lead ${bare.id}`)).text;
    expect(bareCard).not.toContain('Invited by');
    expect(bareCard).not.toContain('Follow-ups:');
    expect(bareCard).not.toContain('Verdicts:');

    const lead = await t.addLead('UJANE', { invitedBy: 'slack:UMGR' });
    const plan = (sequence: number, dueAt: string) =>
      t.store.schedules!.plan({
        key: `reminder:c1:${sequence}`,
        leadId: lead.id,
        kind: 'reminder',
        platform: 'slack',
        workspaceId: 'T1',
        channelId: 'D1',
        sequence,
        dueAt: new Date(dueAt),
      });
    await plan(2, '2026-03-03T12:00:00.000Z');
    await plan(1, '2026-03-02T13:00:00.000Z');
    await t.store.schedules!.cancelPending(lead.id, 'engaged', new Date('2026-03-02T12:30:00.000Z'), [
      'reminder',
    ]);
    await t.store.verdicts!.record({
      leadId: lead.id,
      verdict: 'claimed',
      actor: 'slack:UREP',
      reason: null,
      createdAt: new Date('2026-03-02T14:00:00.000Z'),
    });
    await t.store.verdicts!.record({
      leadId: lead.id,
      verdict: 'rejected',
      actor: 'slack:UREP2',
      reason: 'student project',
      createdAt: new Date('2026-03-02T15:00:00.000Z'),
    });
    await t.store.verdicts!.record({ leadId: bare.id, verdict: 'claimed', actor: 'x', reason: null });

    const card = (await t.run('lead @UJANE')).text.split('\n');
    expect(card.find((l) => l.startsWith('Source:'))).toBe('Source: slack / spring · Invited by: slack:UMGR');
    const at = card.indexOf('Follow-ups:');
    expect(card.slice(at, at + 3)).toEqual([
      'Follow-ups:',
      '  2026-03-02 13:00 reminder #1 via slack: cancelled (engaged)',
      '  2026-03-03 12:00 reminder #2 via slack: cancelled (engaged)',
    ]);
    const v = card.indexOf('Verdicts:');
    expect(card.slice(v)).toEqual([
      'Verdicts:',
      '  2026-03-02 14:00 claimed by slack:UREP',
      '  2026-03-02 15:00 rejected by slack:UREP2: student project',
    ]);
  });
});

describe('breakdown by inviting manager', () => {
  it('stats adds an "invited by" row per manager; the funnel groups only invited leads', async () => {
    const t = setup();
    const a = await t.addLead('UA', { invitedBy: 'slack:UMGR' });
    await t.addLead('UB', { invitedBy: 'slack:UMGR' });
    await t.addLead('UC');
    await t.store.updateLead(a.id, { stage: 'MQL' });
    const text = (await t.run('stats')).text;
    expect(text).toContain('  invited by slack:UMGR: 2 leads, 50% to MQL, 0% to SQL');
    expect(text).toContain('  slack/spring: 3 leads');

    const leads = (await t.store.listLeads({})).items;
    const funnel = buildFunnel(leads);
    expect(funnel.byInviter).toEqual([
      { key: 'invited by slack:UMGR', leads: 2, mql: 1, sql: 0, claimed: 0, disqualified: 0 },
    ]);
  });
});
