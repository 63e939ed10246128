/**
 * Issue 18's handoff with a web prospect, end to end: the real widget in headless Chromium
 * (playwright-core driving /usr/bin/chromium) on the app's HTTP server, the real engine and the
 * default flow; the alert in the fake Slack sales channel through the real bolt app; a rep
 * claims it and replies in its thread; the outbox dispatcher delivers through the app's handoff
 * sinks (the web chat's messenger registered by its adapter); the widget, polling
 * `/api/chat/messages`, shows the rep joining and their reply; the prospect's answer typed in
 * the widget lands in the thread (not the flow); Close on the alert shows the closed notice.
 *
 * The widget polls every few seconds (rarely while no rep talks): the page's clock is Playwright's
 * fake one, fast-forwarded instead of waiting, so the test takes seconds.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLL_MS } from '../../adapters/web/transcript-route.ts';
import { createHandoffChannels, handoffSinks } from '../../src/app/handoff-wiring.ts';
import { SALES_ALERT } from '../../src/core/lead-lifecycle.ts';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher.ts';
import {
  clickPayload,
  SALES_CHANNEL,
  type Harness as SlackHarness,
  startHarness as startSlack,
  TEAM,
} from '../adapters/slack/harness.ts';
import { type Chromium, chromiumAvailable, launchChromium } from '../helpers/chromium.ts';
import { silentLogger } from '../helpers/engine.ts';
import { startWebHarness, type WebHarness } from './harness.ts';

const available = chromiumAvailable();

let seq = 0;
const nextTs = () => `1700019000.${String(++seq).padStart(6, '0')}`;

describe.skipIf(!available)('handoff from the Slack alert thread to a web prospect in Chromium', () => {
  let slack: SlackHarness;
  let web: WebHarness;
  let context: BrowserContext;
  let browser: Chromium | undefined;

  beforeAll(async () => {
    // The app's registry: Slack registers its thread poster, the web chat its messenger (its
    // prospects read the transcript, so a stored line is delivered), as in leadbot start.
    const channels = createHandoffChannels();
    slack = await startSlack({ handoff: channels });
    web = await startWebHarness({ store: slack.store, clock: slack.clock, handoff: channels });
    browser = await launchChromium();
    context = browser.context;
    outboxSinks = { [SALES_ALERT]: slack.adapter.alertSink!, ...handoffSinks(channels) };
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await slack?.close();
  });

  let outboxSinks: Parameters<typeof createOutboxDispatcher>[0]['sinks'];
  const runOutbox = () =>
    createOutboxDispatcher({
      store: { outbox: slack.store.outbox },
      sinks: outboxSinks,
      clock: slack.clock,
      logger: silentLogger,
      workerId: 'w1',
    }).runOnce();

  const lastBot = (page: Page) => page.locator('.leadbot-msg.bot').last();
  const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();
  async function type(page: Page, text: string) {
    await page.locator('.leadbot-input').fill(text);
    await page.locator('.leadbot-input').press('Enter');
  }
  async function click(page: Page, label: string) {
    await page.locator('.leadbot-choice:not([disabled])', { hasText: label }).first().click();
  }

  it('claim, reply, answer, close — the widget shows the rep, the thread shows the prospect', async () => {
    const { fake } = slack;
    fake.users.set('U0REP', { name: 'rita', realName: 'Rita Reyes' });
    const page = await context.newPage();
    // Fake timers in the page: the widget's polls run when the test moves the clock on.
    await page.clock.install();
    await page.goto(`${web.base}/`);

    // The default flow to SQL, as a person clicks and types.
    await expect.poll(() => lastBot(page).textContent()).toBe('What brings you here today?');
    await click(page, 'Evaluating a tool for my team');
    await expect.poll(() => lastBot(page).textContent()).toBe('Which company are you with?');
    await type(page, 'Acme Corp');
    await click(page, 'Founder or executive');
    await expect.poll(() => lastBot(page).textContent()).toBe('How many people would use it?');
    await type(page, 'about 80 people');
    await click(page, 'Yes, approved');
    await click(page, 'This month');
    await expect.poll(() => lastBot(page).textContent()).toBe("What's the best email to reach you?");
    await type(page, 'jane@acme.example');
    await expect.poll(() => lastBot(page).textContent()).toMatch(/May we contact you/);
    await type(page, 'yes');
    await expect.poll(() => lastBot(page).textContent()).toMatch(/demo/);
    await type(page, 'no');
    await expect.poll(() => lastBot(page).textContent()).toMatch(/That's everything/);
    const flowEnd = await texts(page, '.leadbot-msg.bot');

    // The alert lands in the sales channel.
    expect(await runOutbox()).toMatchObject({ delivered: 1 });
    const alert = fake.channels.get(SALES_CHANNEL)![0]!;
    expect(alert.text).toContain('Acme Corp');

    // A rep claims and replies in the alert's thread; the rows are delivered.
    const claim = alert.blocks.find((b) => b.type === 'actions').elements[0];
    expect(await slack.interaction(clickPayload('U0REP', SALES_CHANNEL, alert, claim, nextTs()))).toBe(200);
    await fake.waitFor((calls) => calls.some((c) => c.method === 'chat.update'));
    const reply = (text: string) =>
      slack.event(
        {
          type: 'message',
          channel: SALES_CHANNEL,
          channel_type: 'channel',
          user: 'U0REP',
          text,
          ts: nextTs(),
          thread_ts: alert.ts,
          team: TEAM,
        },
        `Ev${nextTs()}`,
      );
    expect(await reply('Hi <!channel>, can we talk Tuesday? <https://cal.example/r|book>')).toBe(200);
    await slack.adapter.idle();
    expect(await runOutbox()).toMatchObject({ delivered: 2 });

    // The widget's next poll shows both, as plain text (a mention pings nobody on the prospect's
    // own page). Paced for a visitor without a lead when the page opened, that poll was brought
    // forward to the idle pace by the visitor's messages.
    await page.clock.fastForward(POLL_MS.idle);
    await expect
      .poll(() => texts(page, '.leadbot-msg.bot'))
      .toEqual([...flowEnd, 'Rita Reyes from the sales team has joined the conversation.']);
    await expect
      .poll(() => texts(page, '.leadbot-msg.rep'))
      .toEqual(['Rita Reyes: Hi @channel, can we talk Tuesday? https://cal.example/r']);

    // The prospect's answer goes to the thread, not the flow: no bot line answers it.
    await type(page, 'Tuesday works <!here>');
    await expect.poll(() => texts(page, '.leadbot-msg.me')).toContain('Tuesday works <!here>');
    await expect.poll(() => page.locator('.leadbot-busy').count()).toBe(0);
    expect(await texts(page, '.leadbot-msg.bot')).toEqual([
      ...flowEnd,
      'Rita Reyes from the sales team has joined the conversation.',
    ]);
    expect(await runOutbox()).toMatchObject({ delivered: 1 });
    const thread = () =>
      fake.channels.get(SALES_CHANNEL)!.filter((m) => m.thread_ts === alert.ts && m.user === 'UBOT');
    // The default flow asks no name: the thread says who in general terms, and the text is inert.
    expect(thread().map((m) => m.text)).toEqual(['*The prospect*: Tuesday works &lt;!here&gt;']);

    // Close on the alert: the widget shows the closed notice at its next poll.
    const current = fake.channels.get(SALES_CHANNEL)![0]!;
    const close = current.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements)[0];
    expect(close.action_id).toBe('lb_alert_close');
    expect(await slack.interaction(clickPayload('U0REP', SALES_CHANNEL, current, close, nextTs()))).toBe(200);
    await slack.adapter.idle();
    expect(await runOutbox()).toMatchObject({ delivered: 2 });
    await page.clock.fastForward(POLL_MS.idle);
    await expect
      .poll(() => lastBot(page).textContent())
      .toBe('Rita Reyes from the sales team has closed the conversation. Thanks for your time!');
    expect(thread().at(-1)?.text).toContain('Conversation closed by Rita Reyes');
    // Shown once, and still there after a reload (the widget keeps its log and cursor).
    await page.reload();
    await expect.poll(() => texts(page, '.leadbot-msg.rep')).toHaveLength(1);
    await page.clock.fastForward(POLL_MS.none);
    expect(
      (await texts(page, '.leadbot-msg.bot')).filter((t) => t.includes('closed the conversation')),
    ).toHaveLength(1);
    await page.close();
  });
});
