/**
 * What the scale-out and fault tests check after a run: every visitor's lead and conversation
 * in the database equal what the same script gives on a single in-memory engine (so no answer
 * was lost or counted twice), and the fake Slack channel holds exactly one alert per SQL lead.
 */
import type { LeadStore } from '../../src/core/ports/index.ts';
import type { FakeSlackApi } from '../fakes/slack-api.ts';
import { createTestEngine, dm } from '../helpers/engine.ts';
import { SALES_CHANNEL, type Script } from './cluster.ts';

export interface Outcome {
  stage: string;
  score: number;
  /** Answer rows (accepted and rejected attempts) over all of the lead's conversations. */
  answers: number;
  acceptedAnswers: number;
  currentStep: string | null;
}

/** A lead's outcome as stored. */
export async function storedOutcome(
  store: LeadStore,
  platform: 'web' | 'console',
  userId: string,
): Promise<Outcome | null> {
  const identity = await store.findIdentity({ platform, workspaceId: '', userId });
  if (!identity) return null;
  const lead = await store.getLead(identity.leadId);
  if (!lead) return null;
  let answers = 0;
  let acceptedAnswers = 0;
  let currentStep: string | null = null;
  for (const c of await store.listConversations(lead.id)) {
    const list = await store.listAnswers(c.id);
    answers += list.length;
    acceptedAnswers += list.filter((a) => a.accepted).length;
    currentStep = c.currentStep;
  }
  return { stage: lead.stage, score: lead.score, answers, acceptedAnswers, currentStep };
}

/** The outcome of each script on a fresh single-process engine with the memory store. */
export async function referenceOutcomes(scripts: Script[]): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  for (const s of scripts) {
    const { engine, store } = await createTestEngine();
    for (const step of s.transcript.steps) {
      const body =
        'say' in step
          ? ({ kind: 'message', text: step.say } as const)
          : 'choose' in step
            ? ({ kind: 'choice', values: step.choose } as const)
            : ({ kind: 'command', name: step.command, args: step.args } as const);
      await engine.handle(dm(body, { userId: 'ref' }));
    }
    const o = await storedOutcome(store, 'console', 'ref');
    if (!o) throw new Error(`reference run of ${s.name} stored no lead`);
    out.set(s.name, o);
    await store.close();
  }
  return out;
}

/** Alerts posted to the sales channel, by idempotency key → how many times. */
export function postedAlerts(slack: FakeSlackApi): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of slack.channels.get(SALES_CHANNEL) ?? []) {
    const key = (m.metadata as { event_payload?: { idempotency_key?: string } } | undefined)?.event_payload
      ?.idempotency_key;
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Waits until `predicate` holds, polling; rejects after `timeoutMs`. */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000, what = '') {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what || 'a condition'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
