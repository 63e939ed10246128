/**
 * Email follow-ups end to end (#21): the real engine and schedule runner, the real nodemailer
 * sending to a real SMTP server on 127.0.0.1 (test/fakes/smtp-server.ts), the unsubscribe link
 * on the app's real HTTP server. A fake clock moves time.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEmailConfig } from '../../adapters/email/config.ts';
import { mountUnsubscribeRoute, unsubscribeUrl } from '../../adapters/email/http-route.ts';
import { createEmailAdapter } from '../../adapters/email/index.ts';
import { messageIdFor } from '../../adapters/email/outbound.ts';
import { createHttpServer } from '../../src/app/http-server.ts';
import { createLogger } from '../../src/app/logger.ts';
import { scheduleLine } from '../../src/core/commands/lead-card.ts';
import type { EmailRoute } from '../../src/core/nurture/email-step.ts';
import { unsubscribeToken } from '../../src/core/nurture/unsubscribe.ts';
import type { Logger } from '../../src/core/ports/index.ts';
import { startFakeSmtp } from '../fakes/smtp-server.ts';
import { silentLogger } from '../helpers/engine.ts';
import { testLimits } from '../helpers/limits.ts';
import { createNurtureBot, DAY, HOUR, NURTURE_FLOW } from './harness.ts';

const SECRET = 'test-unsubscribe-secret-0123456789';
const ADDRESS = 'ann.lee@example.com';

const EMAIL_FLOW = {
  ...NURTURE_FLOW,
  id: 'email-nurture',
  followUps: {
    nurture: {
      every: '1d',
      channel: 'email',
      messages: [
        {
          text: 'Hello {{company|there}}, our guide <b>for</b> you & your team',
          link: 'https://example.com/guide',
          subject: 'Our guide',
        },
        { text: 'A case study', subject: 'How Acme did it' },
      ],
    },
  },
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  opts: Parameters<typeof createNurtureBot>[0] & { smtpOff?: boolean; logger?: Logger } = {},
) {
  const smtp = await startFakeSmtp();
  cleanups.push(() => smtp.close());
  const logger = opts.logger ?? silentLogger;
  const http = createHttpServer({ logger });
  const { port } = await http.listen(0, '127.0.0.1');
  cleanups.push(() => http.close());
  const config = parseEmailConfig({
    SMTP_URL: smtp.url,
    EMAIL_FROM: 'Acme <hello@acme.example>',
    EMAIL_PUBLIC_URL: `http://127.0.0.1:${port}`,
    EMAIL_UNSUBSCRIBE_SECRET: SECRET,
  })!;
  const sender = await createEmailAdapter(config);
  cleanups.push(() => sender.close());
  const email: EmailRoute = opts.smtpOff
    ? { sender: null, unsubscribeUrl: () => '' }
    : { sender, unsubscribeUrl: (id) => unsubscribeUrl(config.publicUrl, unsubscribeToken(SECRET, id)) };
  // A landing-page lead: the bot cannot write to them in a chat first.
  const bot = await createNurtureBot({
    flow: EMAIL_FLOW,
    email,
    chatSender: false,
    canSend: () => false,
    ...opts,
  });
  mountUnsubscribeRoute(http, {
    limits: testLimits().chat,
    repo: bot.store,
    outreach: bot.outreach,
    schedules: bot.schedules,
    clock: bot.clock,
    logger,
    secret: SECRET,
  });
  const qualify = async (consent = 'yes', address = ADDRESS) => {
    await bot.say('hi');
    await bot.choose('buy');
    await bot.say(address);
    await bot.say(consent);
  };
  const rows = async () => bot.schedules.listForLead((await bot.lead()).id);
  return { smtp, bot, port, qualify, rows, base: `http://127.0.0.1:${port}` };
}

const idOf = (rowId: string) => messageIdFor(rowId, 'acme.example');

describe('email nurture', () => {
  it('a web lead with consent gets the series by email at the planned times, with one-click unsubscribe', async () => {
    const { smtp, bot, qualify, rows } = await setup();
    const runner = bot.makeRunner();
    await qualify();
    expect((await bot.lead()).stage).toBe('MQL');
    bot.clock.advance(DAY - HOUR);
    expect((await runner.runOnce()).sent).toBe(0);
    bot.clock.advance(HOUR);
    expect((await runner.runOnce()).sent).toBe(1);
    const [first] = await rows();
    const [mail] = smtp.received;
    expect(mail!.to).toEqual([ADDRESS]);
    expect(mail!.subject).toBe('Our guide');
    expect(mail!.messageId).toBe(idOf(first!.id));
    expect(mail!.header('list-unsubscribe')).toMatch(
      new RegExp(`^<http://127\\.0\\.0\\.1:\\d+/email/unsubscribe\\?t=${first!.leadId}\\.[\\w-]{43}>$`),
    );
    expect(mail!.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail!.text).toContain('Hello there, our guide <b>for</b> you & your team');
    expect(mail!.text).toMatch(/Unsubscribe: http:\/\/127\.0\.0\.1:\d+\/email\/unsubscribe\?t=/);
    // The HTML part shows the flow's markup as text, and the visible unsubscribe link.
    expect(mail!.html).toContain('our guide &lt;b&gt;for&lt;/b&gt; you &amp; your team');
    expect(mail!.html).toMatch(
      /<a href="http:\/\/127\.0\.0\.1:\d+\/email\/unsubscribe\?t=[^"]+">Unsubscribe<\/a>/,
    );
    expect(first).toMatchObject({ status: 'sent', channel: 'email', sentVia: 'email' });
    bot.clock.advance(DAY);
    expect((await runner.runOnce()).sent).toBe(1);
    expect(smtp.received.map((m) => m.subject)).toEqual(['Our guide', 'How Acme did it']);
  });

  it('the link: GET only asks, POST (RFC 8058 one-click) cancels the rest and opts out of chat too', async () => {
    const { smtp, bot, qualify, rows } = await setup();
    const runner = bot.makeRunner();
    await qualify();
    bot.clock.advance(DAY);
    await runner.runOnce();
    const link = /<(http[^>]+)>/.exec(smtp.received[0]!.header('list-unsubscribe')!)![1]!;
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect((await rows()).at(-1)!.status).toBe('pending');
    const post = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(post.status).toBe(200);
    expect((await rows()).at(-1)).toMatchObject({ status: 'cancelled', outcome: 'unsubscribed' });
    // The opt-out `stop` in chat sets: chat follow-ups see it too.
    expect(await bot.outreach.isOptedOut([`lead:${(await bot.lead()).id}`])).toBe(true);
    bot.clock.advance(2 * DAY);
    await runner.runOnce();
    expect(smtp.received).toHaveLength(1);
  });

  it('stop in chat cancels pending email follow-ups', async () => {
    const { smtp, bot, qualify, rows } = await setup();
    await qualify();
    await bot.say('stop');
    expect((await rows())[0]).toMatchObject({ status: 'cancelled', outcome: 'stopped' });
    bot.clock.advance(2 * DAY);
    await bot.makeRunner().runOnce();
    expect(smtp.received).toHaveLength(0);
  });

  it('an opt-out recorded in chat (stop) keeps email from going out even when a row is still due', async () => {
    const { smtp, bot, qualify, rows } = await setup();
    await qualify();
    await bot.outreach.setOptOut(`lead:${(await bot.lead()).id}`, bot.clock.now());
    bot.clock.advance(DAY);
    await bot.makeRunner().runOnce();
    expect(smtp.received).toHaveLength(0);
    expect((await rows())[0]).toMatchObject({ status: 'cancelled', outcome: 'opted_out' });
  });

  it('no consent: nothing is sent', async () => {
    const { smtp, bot, qualify, rows } = await setup();
    await qualify('no');
    bot.clock.advance(DAY);
    await bot.makeRunner().runOnce();
    expect(smtp.received).toHaveLength(0);
    const all = await rows();
    expect(all.every((r) => r.status !== 'sent')).toBe(true);
  });

  it('SMTP 421 then success: retried with backoff, one email', async () => {
    const { smtp, bot, qualify, rows } = await setup();
    const runner = bot.makeRunner();
    await qualify();
    smtp.failNext({ code: 421, text: '4.3.2 Service not available, closing channel' });
    bot.clock.advance(DAY);
    expect(await runner.runOnce()).toEqual({ sent: 0, skipped: 0, postponed: 1 });
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'pending', outcome: 'smtp_retry:421 4.3.2' });
    bot.clock.advance(10_000);
    expect((await runner.runOnce()).sent).toBe(1);
    expect(smtp.timesSeen(idOf(row!.id))).toBe(1);
    expect(smtp.received).toHaveLength(1);
  });

  it('550 unknown mailbox: recorded, no retry, the email series ends', async () => {
    const { smtp, bot, qualify, rows } = await setup();
    const runner = bot.makeRunner();
    await qualify('yes', 'unknown@example.com');
    bot.clock.advance(DAY);
    expect(await runner.runOnce()).toEqual({ sent: 0, skipped: 1, postponed: 0 });
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'skipped', outcome: 'invalid_address:550 5.1.1' });
    expect(scheduleLine(row!)).toMatch(/nurture #0 via email: not sent: invalid address \(550 5\.1\.1\)$/);
    bot.clock.advance(5 * DAY);
    expect(await runner.runOnce()).toEqual({ sent: 0, skipped: 0, postponed: 0 });
    expect(smtp.received).toHaveLength(0);
  });

  it('two runners: one email', async () => {
    const { smtp, bot, qualify } = await setup();
    await qualify();
    bot.clock.advance(DAY);
    const [a, b] = await Promise.all([bot.makeRunner('a').runOnce(), bot.makeRunner('b').runOnce()]);
    expect(a.sent + b.sent).toBe(1);
    expect(smtp.received).toHaveLength(1);
  });

  it('quiet hours (EMAIL_QUIET_HOURS) postpone the email to their end', async () => {
    const { smtp, bot, qualify, rows } = await setup({
      emailEnv: { EMAIL_QUIET_HOURS: '22:00-08:00', EMAIL_TIME_ZONE: 'UTC' },
      start: new Date('2030-01-07T22:30:00Z'),
    });
    await qualify();
    bot.clock.advance(DAY);
    expect((await bot.makeRunner().runOnce()).postponed).toBe(1);
    expect((await rows())[0]!.dueAt.toISOString()).toBe('2030-01-09T08:00:00.000Z');
    expect(smtp.received).toHaveLength(0);
  });

  it('a crash between send and mark resends at most once, with the same Message-ID', async () => {
    const { smtp, bot, qualify, rows } = await setup();
    await qualify();
    bot.clock.advance(DAY);
    const crashing = {
      ...bot.schedules,
      finish: async () => {
        throw new Error('process died before marking the row');
      },
    };
    await expect(bot.makeRunner('a', { schedules: crashing }).runOnce()).rejects.toThrow(/died/);
    const [row] = await rows();
    expect(smtp.timesSeen(idOf(row!.id))).toBe(1);
    bot.clock.advance(2 * 60_000); // the lease ran out
    await expect(bot.makeRunner('b', { schedules: crashing }).runOnce()).rejects.toThrow(/died/);
    expect(smtp.timesSeen(idOf(row!.id))).toBe(2);
    bot.clock.advance(2 * 60_000);
    await bot.makeRunner('c').runOnce();
    expect(smtp.timesSeen(idOf(row!.id))).toBe(2);
    expect((await rows())[0]).toMatchObject({ status: 'skipped', outcome: 'unconfirmed' });
  });

  it('without SMTP: skipped as no_smtp', async () => {
    const { smtp, bot, qualify, rows } = await setup({ smtpOff: true });
    await qualify();
    bot.clock.advance(DAY);
    await bot.makeRunner().runOnce();
    const [row] = await rows();
    expect(row).toMatchObject({ status: 'skipped', outcome: 'no_smtp' });
    expect(smtp.received).toHaveLength(0);
    // The lead card (manager `lead` command, `leadbot leads show`) says why.
    expect(scheduleLine(row!)).toBe('2030-01-08 09:00 nurture #0 via email: not sent: no SMTP');
  });

  it('chat-then-email: chat where the bot can write first, email otherwise', async () => {
    const flow = {
      ...EMAIL_FLOW,
      followUps: { nurture: { ...EMAIL_FLOW.followUps.nurture, channel: 'chat-then-email' } },
    };
    const chat = await setup({ flow, chatSender: true, canSend: () => true });
    await chat.qualify();
    chat.bot.clock.advance(DAY);
    await chat.bot.makeRunner().runOnce();
    expect(chat.bot.sent).toHaveLength(1);
    expect(chat.smtp.received).toHaveLength(0);
    expect((await chat.rows())[0]).toMatchObject({ sentVia: 'chat' });
    const web = await setup({ flow });
    await web.qualify();
    web.bot.clock.advance(DAY);
    await web.bot.makeRunner().runOnce();
    expect(web.smtp.received).toHaveLength(1);
    expect((await web.rows())[0]).toMatchObject({ sentVia: 'email' });
  });

  it('the address never reaches the logs in clear', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const logger = createLogger({ level: 'debug', destination });
    const { bot, qualify, base } = await setup({ logger });
    const runner = bot.makeRunner();
    await qualify('yes', 'unknown@example.com');
    bot.clock.advance(DAY);
    await runner.runOnce();
    await fetch(`${base}/email/unsubscribe?t=${unsubscribeToken(SECRET, (await bot.lead()).id)}`, {
      method: 'POST',
    });
    const all = lines.join('');
    expect(all).toContain('unsubscribed from email follow-ups');
    expect(all).not.toContain('example.com');
  });
});
