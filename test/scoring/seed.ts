/**
 * A seeded data set for the scoring report and backtest: six prospects run through the real
 * engine and the shipped default flow, and the reps' verdicts on the SQL alerts.
 *
 * | lead | need       | role    | team | budget   | timeline | demo | score | stage | verdict  |
 * |------|------------|---------|------|----------|----------|------|-------|-------|----------|
 * | A    | evaluating | exec    | 60   | approved | month    | no   | 120   | SQL   | claimed  |
 * | B    | evaluating | manager | 20   | planned  | quarter  | yes  | 75    | SQL*  | rejected |
 * | C    | exploring  | ic      | 5    | none     | later    | yes  | 30    | SQL*  | rejected |
 * | D    | evaluating | exec    | 100  | approved | month    | yes  | 120   | SQL*  | claimed  |
 * | E    | evaluating | exec    | 60   | approved | quarter  | no   | 110   | MQL   | -        |
 * | F    | evaluating | manager | 60   | approved | month    | yes  | 110   | SQL*  | -        |
 * (* by the demo_request hard rule; everyone leaves an email and consents.)
 */
import type { LeadStore, VerdictLog } from '../../src/core/ports/index.ts';
import { createTestClock, createTestEngine, dm } from '../helpers/engine.ts';

type Row = [string, string, string, string, string, string, string];
export const PROSPECTS: Record<string, Row> = {
  A: ['evaluating', 'exec', '60', 'approved', 'month', 'no', 'claimed'],
  B: ['evaluating', 'manager', '20', 'planned', 'quarter', 'yes', 'rejected'],
  C: ['exploring', 'ic', '5', 'none', 'later', 'yes', 'rejected'],
  D: ['evaluating', 'exec', '100', 'approved', 'month', 'yes', 'claimed'],
  E: ['evaluating', 'exec', '60', 'approved', 'quarter', 'no', '-'],
  F: ['evaluating', 'manager', '60', 'approved', 'month', 'yes', '-'],
};

/** Seeds the six prospects; returns their lead ids by letter. */
export async function seedScoringData(
  store: LeadStore,
  verdicts: VerdictLog,
): Promise<Record<string, string>> {
  const clock = createTestClock(new Date('2030-01-07T09:00:00Z'));
  const { engine } = await createTestEngine({ store, clock });
  const ids: Record<string, string> = {};
  for (const [letter, [need, role, team, budget, timeline, demo, verdict]] of Object.entries(PROSPECTS)) {
    const userId = `user-${letter}`;
    const say = (text: string) =>
      engine.handle(dm({ kind: 'message', text }, { userId, channelId: `dm-${letter}` }));
    const pick = (v: string) =>
      engine.handle(dm({ kind: 'choice', values: [v] }, { userId, channelId: `dm-${letter}` }));
    await say('hi');
    await pick(need);
    await say(`Company ${letter}`);
    await pick(role);
    await say(team);
    await pick(budget);
    await pick(timeline);
    await say(`${letter.toLowerCase()}@example.com`);
    await say('yes');
    await say(demo);
    const id = (await store.findIdentity({ platform: 'console', workspaceId: '', userId }))!.leadId;
    ids[letter] = id;
    if (verdict !== '-')
      await verdicts.record({
        leadId: id,
        verdict: verdict as 'claimed' | 'rejected',
        actor: 'slack:U1',
        reason: null,
      });
  }
  return ids;
}
