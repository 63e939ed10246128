/**
 * Who the lead is, on the dashboard lead page and the lead card: names, handles and a way to
 * reach each account, the source by its names; hostile names stay text, odd links stay unlinked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderLeadCard } from '../../src/core/commands/lead-card.ts';
import { newId, startWebHarness, type WebHarness } from './harness.ts';

const TOKEN = 'test-dashboard-token-0123456789';
const bearer = { authorization: `Bearer ${TOKEN}` };
const harnesses: WebHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

describe('who the lead is, on the lead page and the card', () => {
  it('shows each account with a link that reaches the person, escaped', async () => {
    const h = await startWebHarness({ dashboardToken: TOKEN });
    harnesses.push(h);
    const userId = newId().replace(/\D/g, '').slice(0, 9) || '7001';
    const lead = await h.store.createLead(
      {
        name: 'Ana Souza',
        source: {
          platform: 'telegram',
          workspaceId: '-100123',
          channelId: '-100123',
          workspaceName: 'Growth <b>Hackers</b>',
        },
      },
      {
        platform: 'telegram',
        workspaceId: '',
        userId,
        displayName: 'Ana <script>alert(1)</script>',
        username: 'anasouza',
        profileUrl: 'https://t.me/anasouza',
      },
    );
    await h.store.addIdentity(lead.id, {
      platform: 'discord',
      workspaceId: '',
      userId: '100000000000000001',
      username: 'ana',
      profileUrl: 'javascript:alert(1)',
    });
    const page = await (await fetch(`${h.base}/dashboard/lead?id=${lead.id}`, { headers: bearer })).text();
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('javascript:');
    expect(page).toContain(
      '<a href="https://t.me/anasouza" rel="noopener noreferrer" target="_blank">Ana &lt;script&gt;alert(1)&lt;/script&gt; (@anasouza) on telegram</a>',
    );
    expect(page).toContain('<li>@ana on discord</li>');
    expect(page).toContain('data-testid="source">telegram · Growth &lt;b&gt;Hackers&lt;/b&gt;<');

    const card = await renderLeadCard(h.store, lead, h.store);
    expect(card).toContain(
      `Accounts: telegram:${userId} (Ana <script>alert(1)</script> (@anasouza) https://t.me/anasouza), discord:100000000000000001 (@ana)`,
    );
    expect(card).toContain('Source: telegram / Growth <b>Hackers</b> / -100123');
  });
});
