/**
 * Lead events into the outbox: {@link withLeadEvents} wraps a store so that every lead created,
 * stage changed, owner claimed or lead erased also writes one `webhook` outbox row per
 * endpoint — in the same transaction as the change, whoever made it (engine, manager commands,
 * Slack buttons). Delivery, retries and the delivery log are the outbox's (see sink.ts).
 */
import type { Clock, JsonValue, Lead, LeadRepo, LeadStore } from '../ports.ts';
import {
  type LeadEvent,
  type LeadEventType,
  type WebhookFormat,
  type WebhookJob,
  webhookLead,
} from './events.ts';

export const WEBHOOK_KIND = 'webhook';

export interface WebhookEndpoints {
  urls: string[];
  format: WebhookFormat;
}

/** Proxies `target`, replacing some methods; the others stay bound to the target. */
function override<T extends object>(target: T, methods: Partial<T>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop in methods) return (methods as Record<string | symbol, unknown>)[prop];
      const v = Reflect.get(t, prop, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

/** Wraps the store; with no URL it returns the store unchanged. */
export function withLeadEvents(store: LeadStore, endpoints: WebhookEndpoints, clock: Clock): LeadStore {
  if (endpoints.urls.length === 0) return store;

  async function emit(
    tx: LeadRepo,
    id: string,
    type: LeadEventType,
    leadId: string,
    extra: Partial<Omit<LeadEvent, 'lead'>> & { lead?: Lead | null },
  ): Promise<void> {
    const { lead, ...rest } = extra;
    const event: LeadEvent = {
      id,
      type,
      occurredAt: clock.now().toISOString(),
      leadId,
      ...(lead ? { lead: webhookLead(lead) } : {}),
      ...rest,
    };
    for (const [i, url] of endpoints.urls.entries()) {
      const job: WebhookJob = { url, format: endpoints.format, event };
      await tx.enqueueOutbox({
        kind: WEBHOOK_KIND,
        idempotencyKey: `${WEBHOOK_KIND}:${id}:${i}`,
        // An erased lead's row must not point at it: forgetting deletes rows by lead id.
        leadId: type === 'lead.forgotten' ? null : leadId,
        payload: job as unknown as JsonValue,
      });
    }
  }

  function wrapRepo(repo: LeadRepo): LeadRepo {
    return override<LeadRepo>(repo, {
      async createLead(input, identity) {
        const lead = await repo.createLead(input, identity);
        await emit(repo, `created:${lead.id}`, 'lead.created', lead.id, { lead });
        return lead;
      },
      async updateLead(id, patch) {
        const before = patch.ownerId ? await repo.getLead(id) : null;
        const lead = await repo.updateLead(id, patch);
        if (patch.ownerId && before && before.ownerId !== patch.ownerId) {
          const at = clock.now().getTime();
          await emit(repo, `claimed:${id}:${patch.ownerId}:${at}`, 'lead.claimed', id, {
            lead,
            ownerId: patch.ownerId,
          });
        }
        return lead;
      },
      async addStageChange(input) {
        const change = await repo.addStageChange(input);
        const lead = await repo.getLead(input.leadId);
        const detail = { from: change.from, to: change.to, reason: change.reason, actor: change.actor };
        await emit(repo, `stage:${change.id}`, 'lead.stage_changed', change.leadId, { lead, change: detail });
        if (change.to === 'disqualified') {
          await emit(repo, `disqualified:${change.id}`, 'lead.disqualified', change.leadId, {
            lead,
            change: detail,
          });
        }
        return change;
      },
      async deleteLead(id) {
        const existed = (await repo.getLead(id)) !== null;
        await repo.deleteLead(id);
        if (existed) await emit(repo, `forgotten:${id}`, 'lead.forgotten', id, {});
      },
    });
  }

  // Calls outside a transaction become one, so the change and its rows still commit together.
  const inTx =
    <A extends unknown[], R>(pick: (r: LeadRepo) => (...a: A) => Promise<R>) =>
    (...args: A) =>
      store.transaction((tx) => pick(wrapRepo(tx))(...args));
  return override<LeadStore>(store, {
    transaction: (fn) => store.transaction((tx) => fn(wrapRepo(tx))),
    unitOfWork: (hints, fn) => store.unitOfWork(hints, (tx) => fn(wrapRepo(tx))),
    createLead: inTx((r) => r.createLead),
    updateLead: inTx((r) => r.updateLead),
    addStageChange: inTx((r) => r.addStageChange),
    deleteLead: inTx((r) => r.deleteLead),
  });
}
