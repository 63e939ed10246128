import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import {
  alertMetadata,
  renderSlackAlert,
  renderSlackAlertOutcome,
} from '../../../adapters/slack/alert-render.ts';
import { blockErrors } from '../../fakes/slack/limits.ts';
import { hostileAlert } from '../../fixtures/slack/alert-payload.ts';

describe('renderSlackAlert', () => {
  it('shows who, where, answers, breakdown and the two buttons, with no live mention or markup', () => {
    const { text, blocks } = renderSlackAlert(hostileAlert);
    const json = JSON.stringify({ text, blocks });
    // A typed URL stays a plain link to where it goes; it can never carry a disguising label.
    expect(json).not.toMatch(/<!(channel|here|everyone)>|<@U0BOSS>|<https?:[^>]*\|/);
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('+15 Actively evaluating');
    expect(json).toContain('-5 Late');
    expect(json).toContain('conv-1');
    const actions = blocks.find((b): b is types.ActionsBlock => b.type === 'actions');
    expect(actions?.elements.map((e) => [e.action_id, 'value' in e ? e.value : undefined])).toEqual([
      ['lb_alert_claim', 'lead-1'],
      ['lb_alert_nofit', 'lead-1'],
    ]);
  });

  it('mentions only the round-robin owner taken from config', () => {
    expect(JSON.stringify(renderSlackAlert(hostileAlert, 'U0ANN').blocks)).toContain('Assigned to <@U0ANN>');
  });

  it('carries the idempotency key as leadbot_alert metadata', () => {
    expect(alertMetadata(hostileAlert, 'sales_alert:sc1')).toEqual({
      event_type: 'leadbot_alert',
      event_payload: { idempotency_key: 'sales_alert:sc1', lead_id: 'lead-1' },
    });
  });

  it('replaces buttons and the assignment line by the outcome, escaping the reason', () => {
    const blocks = renderSlackAlert(hostileAlert, 'U0ANN').blocks;
    const after = renderSlackAlertOutcome(blocks, {
      userId: 'U0REP',
      claimed: false,
      note: '<!channel> spam',
    });
    const json = JSON.stringify(after);
    expect(after.some((b) => b.type === 'actions')).toBe(false);
    expect(json).not.toContain('Assigned to');
    expect(json).toContain('Not a fit, per <@U0REP>: &lt;!channel&gt; spam');
  });
});

describe('the claimed alert: talk in the thread, Close', () => {
  it('keeps one button after a claim, Close, and says how to reach the lead', () => {
    const after = renderSlackAlertOutcome(renderSlackAlert(hostileAlert).blocks, {
      userId: 'U0REP',
      claimed: true,
      leadId: 'lead-1',
    });
    const actions = after.filter((b): b is types.ActionsBlock => b.type === 'actions');
    expect(
      actions.flatMap((a) => a.elements.map((e) => [e.action_id, 'value' in e ? e.value : null])),
    ).toEqual([['lb_alert_close', 'lead-1']]);
    expect(JSON.stringify(after)).toContain('Reply in this thread to write to the lead');
  });

  it('fits Slack block limits with the largest alert, even claimed twice', () => {
    const answers = Array.from({ length: 300 }, (_, i) => ({
      stepId: `s${i}`,
      question: `Question ${i} ${'&'.repeat(200)}`,
      answer: '<'.repeat(600),
    }));
    const breakdown = Array.from({ length: 100 }, (_, i) => ({
      ruleId: `r${i}`,
      points: i,
      reason: '<'.repeat(300),
    }));
    const big = { ...hostileAlert, answers, breakdown };
    const claim = { userId: 'U0REP', claimed: true, leadId: 'lead-1' };
    const once = renderSlackAlertOutcome(renderSlackAlert(big, 'U0ANN').blocks, claim);
    const twice = renderSlackAlertOutcome(once, claim);
    expect(blockErrors(once)).toEqual([]);
    expect(blockErrors(twice)).toEqual([]);
    expect(twice.filter((b) => b.type === 'actions')).toHaveLength(1);
  });
});
