/**
 * A flow whose step ids and option values do not fit Telegram's 64-byte callback_data: the
 * buttons carry short ids (step digest, option number) instead, the strict fake accepts them,
 * and pressing them answers the step — also after a restart, since nothing is kept in memory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFlowCatalog } from '../../../src/app/flow-files.ts';
import { createEngine } from '../../../src/core/engine.ts';
import { createMemoryStore } from '../../../src/core/memory/memory-store.ts';
import { NO_LEAD_EVENTS } from '../../../src/core/webhooks/lead-events.ts';
import { TELEGRAM_LIMITS } from '../../fakes/telegram-api.ts';
import { createTestClock, silentLogger } from '../../helpers/engine.ts';
import { type Harness, person, startHarness } from './harness.ts';

const LONG_STEP = 'which_deployment_option_fits_your_organisation_best_today';
const LONG_MULTI = 'which_of_these_integrations_would_your_team_need_from_day_one';
const FLOW = `
id: default
name: Long ids
messages:
  welcome: Hello
  done: Thanks
steps:
  ${LONG_STEP}:
    ask: Where would you run it?
    type: choice
    options:
      - { value: self_hosted_kubernetes_cluster_in_your_own_cloud_account, label: Self-hosted }
      - { value: "managed_by_us_in_the_région_of_your_choice_with_sso_é", label: Managed }
  ${LONG_MULTI}:
    ask: Which integrations?
    type: multichoice
    options:
      - { value: salesforce_bidirectional_sync_with_custom_objects, label: Salesforce }
      - { value: hubspot_contacts_and_deals_with_owner_mapping_enabled, label: HubSpot }
      - { value: csv, label: CSV }
    next: end
scoring:
  thresholds: { mql: 10, sql: 100 }
`;

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  h = undefined;
  dir = undefined;
});

describe('Telegram buttons whose step id and value exceed 64 bytes', () => {
  it('carry short ids the fake accepts, and each press answers its step, across a restart', async () => {
    dir = await mkdtemp(join(tmpdir(), 'leadbot-long-'));
    await writeFile(join(dir, 'default.yaml'), FLOW);
    const store = createMemoryStore();
    const engine = createEngine({
      store,
      leadEvents: NO_LEAD_EVENTS,
      flows: await loadFlowCatalog(dir),
      clock: createTestClock(),
      logger: silentLogger,
    });
    h = await startHarness('polling', engine.handle, silentLogger);
    const ada = person(h);
    await ada.command('/start');
    const question = ada.last();
    expect(question.text).toBe('Where would you run it?');
    const data = question
      .reply_markup!.inline_keyboard.flat()
      .map((b) => (b as { callback_data: string }).callback_data);
    for (const d of data) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(TELEGRAM_LIMITS.callbackData);

    await h.restart(); // a fresh process: the buttons must still say which step and option they are
    await ada.press('Managed');
    expect(ada.last().text).toBe('Which integrations?');
    await ada.press('HubSpot');
    await ada.press('CSV');
    await ada.press('Done');
    expect(ada.last().text).toBe('Thanks');

    const lead = (await store.findIdentity({ platform: 'telegram', workspaceId: '', userId: '7001' }))!;
    const conv = await store.listConversations(lead.leadId);
    const answers = conv[0] ? await store.listAnswers(conv[0].id) : [];
    expect(answers.filter((a) => a.accepted).map((a) => [a.stepId, a.value])).toEqual([
      [LONG_STEP, 'managed_by_us_in_the_région_of_your_choice_with_sso_é'],
      [LONG_MULTI, ['hubspot_contacts_and_deals_with_owner_mapping_enabled', 'csv']],
    ]);
  });
});
