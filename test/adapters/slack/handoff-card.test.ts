/**
 * The handoff transcript on the lead card, through Slack's real entry: a manager's
 * `/leadbot lead` (real bolt App against the fake Slack API) answers with the card, whose
 * transcript lines are escaped like every reply — a prospect's `<!channel>` or `*bold*` is
 * shown, never acted on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, TEAM } from './harness.ts';

const CHANNEL = 'C0COMMUNITY';
let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('Slack lead card: the handoff transcript', () => {
  it('shows the last lines, escaped by Slack’s rules', async () => {
    h = await startHarness({ config: { managers: ['U0MGR'] } });
    const lead = await h.store.createLead(
      { name: 'Jane' },
      { platform: 'slack', workspaceId: TEAM, userId: 'U0JANE' },
    );
    const handoff = await h.store.handoffs.open({
      leadId: lead.id,
      alert: { sink: 'slack', externalRef: '1700000000.000300' },
      prospect: { platform: 'slack', workspaceId: TEAM, userId: 'U0JANE', channelId: 'DU0JANE' },
      openedBy: 'slack:U0REP',
      openedByName: 'Ana',
      openedAt: new Date('2026-03-02T10:00:00.000Z'),
    });
    await h.store.handoffs.addMessage({
      leadId: lead.id,
      handoffId: handoff.id,
      direction: 'from_prospect',
      author: 'slack:U0JANE',
      authorName: 'Jane',
      text: 'ping <!channel> and <@U0BOSS>, *now*',
      createdAt: new Date('2026-03-02T10:01:00.000Z'),
    });
    const form = new URLSearchParams({
      command: '/leadbot',
      text: 'lead <@U0JANE>',
      user_id: 'U0MGR',
      user_name: 'mgr',
      team_id: TEAM,
      channel_id: CHANNEL,
      channel_name: 'community',
      trigger_id: 'trig-card-1',
      response_url: h.fake.responseUrl({ channel: CHANNEL, user: 'U0MGR' }),
    }).toString();
    expect(await h.post(form, 'application/x-www-form-urlencoded')).toBe(200);
    await h.adapter.idle();
    const reply = h.fake.ephemerals.filter((e) => e.ephemeralTo === 'U0MGR').at(-1)!;
    const text =
      reply.blocks.map((b: { text?: { text: string } }) => b.text?.text ?? '').join('\n') || reply.text;
    expect(text).toContain('Transcript:');
    expect(text).toContain(
      '2026-03-02 10:01 prospect Jane: ping &lt;!channel&gt; and &lt;@U0BOSS&gt;, \u2217now\u2217',
    );
    expect(JSON.stringify(reply)).not.toContain('<!channel>');
  });
});
