/**
 * Delivers `webhook` outbox rows over HTTP: POST of the JSON event (or its HubSpot mapping),
 * signed with HMAC-SHA256. 2xx is delivered; 429 waits for `Retry-After`; other 4xx are
 * permanent (the receiver refuses this payload); 5xx, timeouts and network errors are retried
 * with backoff by the dispatcher. Every attempt's result stays on the outbox row (the log).
 */

import { DeliveryError } from '../outbox/delivery-error.ts';
import type { OutboxSink } from '../outbox/dispatcher.ts';
import type { Clock } from '../ports/index.ts';
import { isWebhookJob, type WebhookJob } from './events.ts';
import { toHubSpotContact } from './hubspot.ts';
import { SIGNATURE_HEADER, signWebhook } from './sign.ts';

export interface WebhookSinkOptions {
  secret: string;
  clock: Clock;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  /** Injectable for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** The exact body sent for a job (receivers verify the signature over these bytes). */
export function webhookBody(job: WebhookJob): string {
  return JSON.stringify(job.format === 'hubspot' ? toHubSpotContact(job.event) : job.event);
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function createWebhookSink(o: WebhookSinkOptions): OutboxSink {
  const doFetch = o.fetch ?? fetch;
  return {
    name: 'webhook',
    accepts: isWebhookJob,
    async deliver(payload, idempotencyKey) {
      const job = payload as unknown as WebhookJob;
      const body = webhookBody(job);
      let res: Response;
      try {
        res = await doFetch(job.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'leadbot-webhooks/1',
            'x-leadbot-event': job.event.type,
            'x-leadbot-delivery': idempotencyKey,
            [SIGNATURE_HEADER]: signWebhook(o.secret, body, o.clock.now()),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new DeliveryError(`webhook ${new URL(job.url).host}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) return { externalRef: `HTTP ${res.status}` };
      const what = `webhook ${new URL(job.url).host} answered HTTP ${res.status}`;
      if (res.status === 429)
        throw new DeliveryError(what, { retryAfterMs: retryAfterMs(res.headers.get('retry-after')) });
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408;
      throw new DeliveryError(what, { permanent });
    },
  };
}
