import { describe, expect, it } from 'vitest';
import { createConversationCache } from '../../src/core/conversation-cache.ts';
import type { Engine } from '../../src/core/engine.ts';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import type { LeadRepo, LeadStore } from '../../src/core/ports.ts';
import { createTestClock, createTestEngine, dm } from '../helpers/engine.ts';

const say = (engine: Engine, text: string) => engine.handle(dm({ kind: 'message', text }));

/** The store, counting reads of open conversations and answers (what the cache saves). */
function countingStore() {
  const store = createMemoryStore();
  const reads = { conversations: 0, answers: 0, flowSnapshotsSaved: 0 };
  const counted: LeadStore = Object.create(store);
  counted.transaction = (fn) =>
    store.transaction((tx) => {
      const view: LeadRepo = Object.create(tx);
      view.findOpenConversation = (id) => {
        reads.conversations += 1;
        return tx.findOpenConversation(id);
      };
      view.saveFlowVersion = (...args) => {
        reads.flowSnapshotsSaved += 1;
        return tx.saveFlowVersion(...args);
      };
      view.listAnswers = (id) => {
        reads.answers += 1;
        return tx.listAnswers(id);
      };
      return fn(view);
    });
  return { store: counted, reads };
}

async function answersOf(store: LeadStore) {
  const identity = await store.findIdentity({ platform: 'console', workspaceId: '', userId: 'user-1' });
  const [conv] = await store.listConversations(identity!.leadId);
  return { conv: conv!, answers: (await store.listAnswers(conv!.id)).map((a) => [a.stepId, a.rawText]) };
}

describe('conversation cache', () => {
  it("serves a person's next message from memory: no re-read of the conversation or its answers", async () => {
    const { store, reads } = countingStore();
    const { engine } = await createTestEngine({ store });
    await say(engine, 'hi'); // a new lead: nothing to look up, the conversation starts
    await say(engine, 'evaluating');
    await say(engine, 'Acme Corp');
    await say(engine, '1');
    expect(reads).toEqual({ conversations: 0, answers: 0, flowSnapshotsSaved: 1 });
    await engine.handle(dm({ kind: 'message', text: 'hi' }, { userId: 'user-2' }));
    expect(reads.flowSnapshotsSaved).toBe(1); // the same snapshot is not written twice
    expect((await answersOf(store)).answers).toEqual([
      ['need', 'evaluating'],
      ['company', 'Acme Corp'],
      ['role', '1'],
    ]);
  });

  it('two instances take turns on one person: a stale cache re-runs the event, no answer lost or misplaced', async () => {
    const store = createMemoryStore();
    const clock = createTestClock();
    const a = (await createTestEngine({ store, clock })).engine;
    const b = (await createTestEngine({ store, clock })).engine;
    await say(a, 'hi');
    await say(a, 'evaluating'); // a caches the conversation at "company"
    await say(b, 'Acme Corp'); // b moves it on to "role"
    const out = await say(a, '1'); // a's cache is stale: conflict, re-run on fresh rows
    expect(out.at(-1)).toMatchObject({ kind: 'question', stepId: 'team_size' });
    const { conv, answers } = await answersOf(store);
    expect(answers).toEqual([
      ['need', 'evaluating'],
      ['company', 'Acme Corp'],
      ['role', '1'],
    ]);
    expect(conv.currentStep).toBe('team_size');
  });

  it('keeps at most `limit` people, least recently used out first', async () => {
    const store = createMemoryStore();
    const cache = createConversationCache(2);
    for (const name of ['p1', 'p2', 'p3']) {
      const lead = await store.createLead({ name });
      await store.createConversation({
        leadId: lead.id,
        flowId: 'f',
        flowVersion: 'v',
        currentStep: 's',
        platform: 'console',
        workspaceId: '',
        channelId: name,
      });
      const view = cache.begin(store);
      await view.repo.findOpenConversation(lead.id);
      view.commit();
    }
    expect(cache.size).toBe(2);
  });

  it('a failed transaction publishes nothing and evicts what it looked at', async () => {
    const store = createMemoryStore();
    const cache = createConversationCache(10);
    const lead = await store.createLead({});
    const ok = cache.begin(store);
    const created = await ok.repo.createConversation({
      leadId: lead.id,
      flowId: 'f',
      flowVersion: 'v',
      currentStep: 's',
      platform: 'console',
      workspaceId: '',
      channelId: 'c',
    });
    ok.commit();
    const failed = cache.begin(store);
    await failed.repo.updateConversation(created, { currentStep: 't' });
    failed.discard(); // as if the transaction had rolled back
    expect(cache.size).toBe(0);
  });
});
