/** Reminders, nurture, re-engagement, quiet hours and stop, driven by a fake clock. */
import { describe, expect, it } from 'vitest';
import { createNurtureBot, DAY, HOUR } from './harness.ts';

const texts = (s: { messages: { text: string }[] }) => s.messages.map((m) => m.text);

describe('reminders', () => {
  it('reminds a stalled conversation at most `max` times, re-asking the question', async () => {
    const bot = await createNurtureBot();
    const runner = bot.makeRunner();
    await bot.say('hi');
    bot.clock.advance(59 * 60_000);
    expect((await runner.runOnce()).sent).toBe(0);
    bot.clock.advance(2 * 60_000);
    expect((await runner.runOnce()).sent).toBe(1);
    expect(texts(bot.sent[0]!)).toEqual(['Still there?', 'What do you need?']);
    expect(bot.sent[0]!.messages[1]!.choices?.map((c) => c.value)).toEqual(['buy', 'look']);
    bot.clock.advance(HOUR);
    expect((await runner.runOnce()).sent).toBe(1);
    bot.clock.advance(10 * HOUR);
    expect((await runner.runOnce()).sent).toBe(0);
    expect(bot.sent).toHaveLength(2);
    const rows = await bot.schedules.listForLead((await bot.lead()).id);
    expect(rows.filter((r) => r.kind === 'reminder').map((r) => [r.sequence, r.status])).toEqual([
      [1, 'sent'],
      [2, 'sent'],
    ]);
  });

  it('an answer replaces the pending reminder with one for the next question', async () => {
    const bot = await createNurtureBot();
    const runner = bot.makeRunner();
    await bot.say('hi');
    bot.clock.advance(30 * 60_000);
    await bot.choose('look');
    bot.clock.advance(45 * 60_000); // 1h15 after start, 45 min after the answer
    expect((await runner.runOnce()).sent).toBe(0);
    bot.clock.advance(20 * 60_000);
    await runner.runOnce();
    expect(bot.sent.map(texts)).toEqual([['Still there?', 'Your email?']]);
    const rows = await bot.schedules.listForLead((await bot.lead()).id);
    expect(rows.find((r) => r.outcome === 'answered')?.status).toBe('cancelled');
  });

  it('waits for the end of quiet hours instead of writing at night', async () => {
    const bot = await createNurtureBot({
      env: { X_QUIET_HOURS: '22:00-08:00', X_TIME_ZONE: 'UTC' },
      start: new Date('2030-01-07T21:30:00Z'),
    });
    const runner = bot.makeRunner();
    await bot.say('hi');
    bot.clock.set(new Date('2030-01-07T22:31:00Z'));
    expect(await runner.runOnce()).toEqual({ sent: 0, skipped: 0, postponed: 1 });
    const [row] = await bot.schedules.listForLead((await bot.lead()).id);
    expect(row!.dueAt.toISOString()).toBe('2030-01-08T08:00:00.000Z');
    bot.clock.set(new Date('2030-01-08T07:59:00Z'));
    expect((await runner.runOnce()).sent).toBe(0);
    bot.clock.set(new Date('2030-01-08T08:00:00Z'));
    expect((await runner.runOnce()).sent).toBe(1);
    expect(bot.sent[0]!.at.toISOString()).toBe('2030-01-08T08:00:00.000Z');
  });

  it('respects the contact limit shared with other outreach', async () => {
    const bot = await createNurtureBot({ env: { X_CONTACT_LIMIT: '1/7d' } });
    const runner = bot.makeRunner();
    await bot.say('hi');
    bot.clock.advance(61 * 60_000);
    expect((await runner.runOnce()).sent).toBe(1);
    bot.clock.advance(HOUR);
    expect(await runner.runOnce()).toEqual({ sent: 0, skipped: 1, postponed: 0 });
    const rows = await bot.schedules.listForLead((await bot.lead()).id);
    expect(rows.at(-1)).toMatchObject({ status: 'skipped', outcome: 'limit' });
  });
});

describe('stop', () => {
  it('cancels every scheduled message of the person', async () => {
    const bot = await createNurtureBot();
    const runner = bot.makeRunner();
    await bot.say('hi');
    await bot.say('stop');
    const rows = await bot.schedules.listForLead((await bot.lead()).id);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.status === 'cancelled')).toBe(true);
    bot.clock.advance(30 * DAY);
    expect((await runner.runOnce()).sent).toBe(0);
    expect(bot.sent).toEqual([]);
  });

  it('an opt-out recorded elsewhere cancels the rest when the next one is due', async () => {
    const bot = await createNurtureBot();
    const runner = bot.makeRunner();
    await bot.say('hi');
    await bot.outreach.setOptOut(`lead:${(await bot.lead()).id}`, bot.clock.now());
    bot.clock.advance(2 * HOUR);
    expect((await runner.runOnce()).sent).toBe(0);
    const rows = await bot.schedules.listForLead((await bot.lead()).id);
    expect(rows.every((r) => r.status === 'cancelled')).toBe(true);
  });
});

describe('nurture', () => {
  async function mqlWithConsent(consent: 'yes' | 'no') {
    const bot = await createNurtureBot();
    await bot.say('hi');
    await bot.choose('buy');
    await bot.say('ann@example.com');
    await bot.say(consent);
    expect((await bot.lead()).stage).toBe('MQL');
    return bot;
  }

  it('sends the content links one per period until the series ends', async () => {
    const bot = await mqlWithConsent('yes');
    const runner = bot.makeRunner();
    bot.clock.advance(DAY - 60_000);
    expect((await runner.runOnce()).sent).toBe(0);
    bot.clock.advance(60_000);
    expect((await runner.runOnce()).sent).toBe(1);
    bot.clock.advance(DAY);
    expect((await runner.runOnce()).sent).toBe(1);
    bot.clock.advance(5 * DAY);
    await runner.runOnce();
    expect(bot.sent.map(texts)).toEqual([
      ['Our guide\nhttps://example.com/guide'],
      ['A case study\nhttps://example.com/case'],
    ]);
  });

  it('ends the series when the person engages', async () => {
    const bot = await mqlWithConsent('yes');
    const runner = bot.makeRunner();
    bot.clock.advance(DAY);
    await runner.runOnce();
    await bot.say('thanks, interesting');
    bot.clock.advance(2 * DAY);
    await runner.runOnce();
    expect(bot.sent).toHaveLength(1);
    const rows = await bot.schedules.listForLead((await bot.lead()).id);
    expect(rows.find((r) => r.kind === 'nurture' && r.sequence === 1)).toMatchObject({
      status: 'cancelled',
      outcome: 'engaged',
    });
  });

  it('needs consent', async () => {
    const bot = await mqlWithConsent('no');
    const runner = bot.makeRunner();
    bot.clock.advance(DAY);
    expect(await runner.runOnce()).toEqual({ sent: 0, skipped: 1, postponed: 0 });
  });
});

describe('re-engagement', () => {
  it('approaches a cold lead who showed intent once, after the set silence', async () => {
    const bot = await createNurtureBot();
    const runner = bot.makeRunner();
    await bot.say('hi');
    await bot.choose('look'); // 5 points: intent, still cold
    await bot.say('ann@example.com');
    await bot.say('yes');
    expect((await bot.lead()).stage).toBe('cold');
    bot.clock.advance(7 * DAY - 60_000);
    expect((await runner.runOnce()).sent).toBe(0);
    bot.clock.advance(60_000);
    expect((await runner.runOnce()).sent).toBe(1);
    expect(bot.sent.map(texts)).toEqual([['Still looking for a tool?']]);
    bot.clock.advance(30 * DAY);
    await bot.say('hello again');
    bot.clock.advance(30 * DAY);
    await runner.runOnce();
    expect(bot.sent).toHaveLength(1);
  });
});

describe('platforms without send', () => {
  it('plans nothing for a platform whose adapter cannot send unprompted', async () => {
    const bot = await createNurtureBot({ canSend: () => false });
    await bot.say('hi');
    expect(await bot.schedules.listForLead((await bot.lead()).id)).toEqual([]);
  });
});
