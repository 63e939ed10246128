/** The manager command layer on the memory store: permissions, validation, every subcommand. */
import { describe, expect, it } from 'vitest';
import { collect } from '../../../src/core/commands/export-csv.ts';
import { NOT_A_MANAGER } from '../../../src/core/commands/index.ts';
import { setup } from './helpers.ts';

describe('manager commands', () => {
  it('refuses non-managers politely and changes nothing', async () => {
    const t = setup();
    const lead = await t.addLead('UJANE');
    const reply = await t.run('stage @UJANE SQL because', 'UNOBODY');
    expect(reply).toEqual({ text: NOT_A_MANAGER, private: true });
    expect((await t.store.getLead(lead.id))?.stage).toBe('cold');
  });

  it('explains usage for an unknown subcommand or a bad argument', async () => {
    const t = setup();
    expect((await t.run('frobnicate')).text).toMatch(/Unknown subcommand "frobnicate"[\s\S]*qualify @member/);
    const bad = await t.run('stage @UJANE PLATINUM fast');
    expect(bad.private).toBe(true);
    expect(bad.text).toContain('"PLATINUM" is not a stage');
    expect(bad.text).toContain('Usage: /leadbot stage');
    expect((await t.run('stage @UJANE SQL')).text).toContain('reason is required');
    expect((await t.run('qualify nobody')).text).toContain('expected a member mention');
  });

  it('stage SQL is audited and queues exactly one sales alert; the card shows it', async () => {
    const t = setup();
    const lead = await t.addLead('UJANE', { company: 'Acme' });
    const reply = await t.run('stage @UJANE sql big budget');
    expect(reply.text).toContain('cold → SQL');
    expect(reply.private).toBe(true);
    const [change] = await t.store.listStageChanges(lead.id);
    expect(change).toMatchObject({
      from: 'cold',
      to: 'SQL',
      actor: 'slack:UMGR',
      reason: 'Manual: big budget',
    });
    const alerts = await t.store.outbox.list({ kind: 'sales_alert' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.leadId).toBe(lead.id);
    expect((await t.run('stage @UJANE SQL again')).text).toContain('already is SQL');
    await t.run('assign @UJANE @UREP');
    await t.run('note @UJANE called, wants a demo public');
    const card = await t.run(`lead ${lead.id} public`);
    expect(card.private).toBe(false);
    expect(card.text).toContain('Stage: SQL');
    expect(card.text).toContain('Owner: slack:UREP');
    expect(card.text).toContain('cold → SQL by slack:UMGR: Manual: big budget');
    expect(card.text).toContain('slack:UMGR: called, wants a demo public');
    expect(card.text).toContain('Accounts: slack:UJANE');
  });

  it('cleans what a manager types like every inbound text: notes and reasons reach reps clean', async () => {
    const t = setup();
    const lead = await t.addLead('UJANE');
    await t.run('note @UJANE \u202ecalled\u0000 \u200b\u200b back\ud800');
    await t.run('stage\u0000 @UJANE MQL \u2066warm\u2069 lead');
    expect((await t.store.listNotes(lead.id)).map((n) => n.text)).toEqual(['called back\ufffd']);
    expect((await t.store.listStageChanges(lead.id)).map((c) => c.reason)).toEqual(['Manual: warm lead']);
  });

  it('lists leads with filters and pages', async () => {
    const t = setup();
    for (let i = 0; i < 23; i++) await t.addLead(`U${i}`);
    await t.run('stage @U3 MQL warm');
    const page1 = await t.run('leads');
    const lines = page1.text.split('\n');
    expect(lines).toHaveLength(21);
    const cursor = /page:(\S+)/.exec(lines[20]!)?.[1];
    const page2 = await t.run(`leads page:${cursor}`);
    expect(page2.text.split('\n')).toHaveLength(3);
    const mql = await t.run('leads MQL');
    expect(mql.text.split('\n')).toHaveLength(1);
    expect(mql.text).toContain('MQL');
    expect((await t.run('leads SQL slack 7d')).text).toBe('No leads match.');
    expect((await t.run('leads MQL 1d')).text).toContain('MQL');
  });

  it('exports CSV page by page, quoted and safe from formula injection', async () => {
    const t = setup();
    for (let i = 0; i < 450; i++) await t.addLead(`U${i}`);
    await t.addLead('UEVIL', { name: '=HYPERLINK("x")', company: 'A, "B"' });
    const reply = await t.run('export');
    expect(reply.file?.filename).toBe('leads-2026-03-02.csv');
    const csv = (await collect(reply.file!.chunks())).toString('utf8');
    const rows = csv.trimEnd().split('\r\n');
    expect(rows).toHaveLength(452);
    expect(rows[0]).toBe(
      'id,stage,score,name,email,phone,company,owner,source_platform,source_campaign,consent,created_at',
    );
    expect(csv).toContain(`"'=HYPERLINK(""x"")",,,"A, ""B"""`);
  });

  it('stats counts stages and conversion by source, including leads that moved on', async () => {
    const t = setup();
    await t.addLead('UA');
    await t.addLead('UB');
    await t.addLead('UC');
    await t.addLead('UD', { source: { platform: 'discord', campaign: null } });
    await t.run('stage @UA MQL x');
    await t.run('stage @UB MQL x');
    await t.run('stage @UB SQL y');
    await t.run('stage @UB disqualified z');
    const s = (await t.run('stats')).text;
    expect(s).toContain('cold 2 · MQL 1 · SQL 0 · disqualified 1');
    expect(s).toContain('slack/spring: 3 leads, 67% to MQL, 50% to SQL');
    expect(s).toContain('discord: 1 leads, 0% to MQL, – to SQL');
  });

  it('stats shows speed to lead, SQL → claim per rep and platform, once a lead was claimed', async () => {
    const t = setup();
    const lead = await t.addLead('UA');
    expect((await t.run('stats')).text).not.toContain('Speed to lead');
    await t.run('stage @UA SQL hot');
    const sqlAt = (await t.store.getLead(lead.id))!.reachedSqlAt!;
    await t.store.verdicts.record({
      leadId: lead.id,
      verdict: 'claimed',
      actor: 'slack:UREP',
      reason: null,
      createdAt: new Date(sqlAt.getTime() + 245_000),
    });
    const s = (await t.run('stats')).text;
    expect(s).toContain(
      'Speed to lead, SQL → claim, per rep:\n  slack:UREP: median 4m 05s, p90 4m 05s (1 claimed)',
    );
    expect(s).toContain('Per platform:\n  slack: median 4m 05s, p90 4m 05s (1 claimed)');
  });

  it('forget erases the person and every row about them, and nobody else', async () => {
    const t = setup();
    const jane = await t.addLead('UJANE');
    const other = await t.addLead('UOTHER');
    await t.run('stage @UJANE SQL go');
    await t.run('note @UJANE hello');
    expect(
      (
        await t.contactPolicy.approach(
          { platform: 'slack', workspaceId: 'T1', userId: 'UJANE' },
          'invite',
          'slack',
          'C1',
        )
      ).ok,
    ).toBe(true);
    expect((await t.run('forget @UJANE')).text).toBe('The member was erased.');
    expect(await t.store.getLead(jane.id)).toBeNull();
    expect(await t.store.listIdentities(jane.id)).toEqual([]);
    expect(await t.store.listStageChanges(jane.id)).toEqual([]);
    expect(await t.store.listNotes(jane.id)).toEqual([]);
    expect((await t.store.outbox.list()).filter((o) => o.leadId === jane.id)).toEqual([]);
    expect(JSON.stringify(t.outreach.dump())).not.toMatch(/UJANE|lead:/);
    expect(await t.store.getLead(other.id)).not.toBeNull();
    expect((await t.run('forget @UJANE')).text).toContain('nothing to erase');
  });

  it('lead and forget answer a friendly not-found for unknown members', async () => {
    const t = setup();
    const r = await t.run('lead @UNOBODY');
    expect(r).toEqual({ text: 'This member is not a lead yet (try qualify).', private: true });
    expect((await t.run('lead 0123456789')).text).toBe('No lead with id 0123456789.');
  });
});
