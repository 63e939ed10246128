/**
 * The web chat on the app's real HTTP server with the real engine: `post()` sends what the
 * widget sends. Memory store unless one is given.
 */
import { randomUUID } from 'node:crypto';
import type { ClientLimits } from '../../adapters/shared/types.ts';
import { createWebAdapter, type WebAdapter } from '../../adapters/web/index.ts';
import type { WebMessage } from '../../adapters/web/outbound.ts';
import { createHttpServer, type HttpServer } from '../../src/app/http-server.ts';
import { mountDashboard } from '../../src/app/web/dashboard.ts';
import type { Inbox } from '../../src/core/inbox/inbox.ts';
import type { AnswerInterpreter, Clock, HandoffChannels, LeadStore } from '../../src/core/ports/index.ts';
import { createTestEngine, silentLogger } from '../helpers/engine.ts';
import { memoryInbox } from '../helpers/inbox.ts';
import { testLimits } from '../helpers/limits.ts';

export interface WebHarness {
  base: string;
  http: HttpServer;
  adapter: WebAdapter;
  store: LeadStore;
  post(body: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  /**
   * Posts as `visitorId` with a fresh event id and, as the widget does, the visitor's first
   * `source`; returns the widget messages.
   */
  say(visitorId: string, body: Record<string, unknown>): Promise<WebMessage[]>;
  close(): Promise<void>;
}

export const newId = () => randomUUID().replaceAll('-', '');

export async function startWebHarness(
  opts: {
    store?: LeadStore;
    allowedOrigins?: string[];
    dashboardToken?: string;
    limits?: ClientLimits;
    inbox?: Inbox;
    interpreter?: AnswerInterpreter;
    /** The engine's clock (another harness's, when both share the store). */
    clock?: Clock;
    /** The app's handoff registry the adapter registers its messenger with. */
    handoff?: HandoffChannels;
  } = {},
): Promise<WebHarness> {
  const { engine, store, flows, clock } = await createTestEngine({
    ...(opts.store ? { store: opts.store } : {}),
    ...(opts.interpreter ? { interpreter: opts.interpreter } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const http = createHttpServer({ logger: silentLogger });
  const roomy = testLimits(); // memory only: nothing to close
  if (opts.dashboardToken) {
    mountDashboard(http, {
      store,
      token: opts.dashboardToken,
      flows,
      clock,
      logger: silentLogger,
      limits: roomy.login,
    });
  }
  const adapter = createWebAdapter(
    { allowedOrigins: opts.allowedOrigins ?? [] },
    {
      logger: silentLogger,
      http,
      store,
      limits: opts.limits ?? roomy.chat,
      inbox: opts.inbox ?? memoryInbox(),
      ...(opts.handoff ? { handoff: opts.handoff } : {}),
    },
  );
  await adapter.start(engine.handle);
  const { port } = await http.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  const sources = new Map<string, unknown>();
  const post = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/chat/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  return {
    base,
    http,
    adapter,
    store,
    post,
    async say(visitorId, body) {
      // Like the widget: the first touch's source rides on every request of the visitor.
      if (body.source) sources.set(visitorId, body.source);
      const source = sources.get(visitorId);
      const res = await post({ visitorId, eventId: newId(), ...(source ? { source } : {}), ...body });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { messages: WebMessage[] }).messages;
    },
    async close() {
      await adapter.stop();
      await http.close();
    },
  };
}
