/**
 * `Lead.invitedBy` and per-lead verdicts on every store (memory, SQLite, PostgreSQL), read
 * through `leadbot leads show`'s own functions: the column is migrated, mapped both ways and
 * printed with the lead's follow-ups and verdicts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatDetails, leadDetails } from '../../src/app/commands/leads.ts';
import { storeBackends } from '../helpers/stores.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe.each(storeBackends())('invitedBy and verdicts on $name', (backend) => {
  it("round-trips invitedBy, lists one lead's verdicts, and leads show prints both", async () => {
    const opened = await backend.open();
    if (!opened) throw new Error(`${backend.name} store unavailable`);
    cleanups.push(opened.cleanup);
    const { store } = opened;
    const lead = await store.createLead(
      { name: 'Jane', source: { platform: 'slack' } },
      { platform: 'slack', workspaceId: 'T1', userId: 'UJANE' },
    );
    expect(lead.invitedBy).toBeNull();
    const other = await store.createLead({ name: 'Bob' });
    await store.transaction((tx) => tx.updateLead(lead.id, { consent: true, invitedBy: 'slack:UMGR' }));
    expect((await store.getLead(lead.id))?.invitedBy).toBe('slack:UMGR');

    await store.verdicts!.record({
      leadId: lead.id,
      verdict: 'rejected',
      actor: 'slack:UREP',
      reason: 'no budget',
      createdAt: new Date('2026-03-02T15:00:00.000Z'),
    });
    await store.verdicts!.record({
      leadId: lead.id,
      verdict: 'claimed',
      actor: 'slack:UREP2',
      reason: null,
      createdAt: new Date('2026-03-02T14:00:00.000Z'),
    });
    await store.verdicts!.record({ leadId: other.id, verdict: 'claimed', actor: 'x', reason: null });
    expect((await store.verdicts!.listForLead(lead.id)).map((v) => v.verdict)).toEqual([
      'claimed',
      'rejected',
    ]);

    const text = formatDetails(await leadDetails(store, lead.id));
    expect(text).toContain('invited by: slack:UMGR');
    expect(text).toContain(
      'Rep verdicts:\n  2026-03-02T14:00:00Z  claimed by slack:UREP2\n  2026-03-02T15:00:00Z  rejected by slack:UREP: no budget',
    );
    expect(formatDetails(await leadDetails(store, other.id))).toContain('invited by: -');
  });
});
