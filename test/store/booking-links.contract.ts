/**
 * Booking links (#18), on every LeadStore: written in the transaction that sends them (a
 * rollback leaves none), clicked atomically (every concurrent click counts, the first time
 * stays), unknown ids answer null, and erasing the lead erases its links.
 */
import { expect, it } from 'vitest';
import { newBookingId } from '../../src/core/booking/booking-link.ts';
import type { LeadStore } from '../../src/core/ports/index.ts';

export function bookingLinksContract(store: () => LeadStore): void {
  const newLead = () =>
    store().createLead({}, { platform: 'slack', workspaceId: 'TBOOK', userId: `U${newBookingId()}` });
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 9, minute));

  it('booking links: written in the transaction, counted per click, erased with the lead', async () => {
    const s = store();
    const lead = await newLead();
    const target = 'https://cal.com/acme/intro?email=ada%40acme.example';
    const rolledBack = newBookingId();
    await expect(
      s.transaction(async (tx) => {
        await tx.bookingLinks.create({ id: rolledBack, leadId: lead.id, target, createdAt: at(0) });
        throw new Error('the final message failed');
      }),
    ).rejects.toThrow('the final message failed');
    expect(await s.bookingLinks.click(rolledBack, at(1))).toBeNull();
    expect(await s.bookingLinks.listForLead(lead.id)).toEqual([]);

    const id = newBookingId();
    await s.transaction((tx) => tx.bookingLinks.create({ id, leadId: lead.id, target, createdAt: at(0) }));
    expect(await s.bookingLinks.listForLead(lead.id)).toEqual([
      { id, leadId: lead.id, target, createdAt: at(0), firstClickedAt: null, lastClickedAt: null, clicks: 0 },
    ]);
    expect(await s.bookingLinks.click(id, at(5))).toBe(target);
    // Five people (or one impatient person) at once: each click counts, the first time stays.
    const all = await Promise.all([6, 7, 8, 9, 10].map((m) => s.bookingLinks.click(id, at(m))));
    expect(all).toEqual(Array(5).fill(target));
    const [link] = await s.bookingLinks.listForLead(lead.id);
    expect(link).toMatchObject({ clicks: 6, firstClickedAt: at(5) });
    expect(link!.lastClickedAt!.getTime()).toBeGreaterThanOrEqual(at(6).getTime());
    expect(await s.bookingLinks.click(newBookingId(), at(11))).toBeNull();

    await s.deleteLead(lead.id);
    expect(await s.bookingLinks.click(id, at(12))).toBeNull();
    expect(await s.bookingLinks.listForLead(lead.id)).toEqual([]);
  });
}
