/**
 * Bot API calls that get no answer are retried a bounded number of times and then fail (they
 * used to be retried by auto-retry forever). The real grammY client with the adapter's
 * transformers, against a server that resets every connection.
 */
import { createServer, type Server } from 'node:net';
import { autoRetry } from '@grammyjs/auto-retry';
import { Api, HttpError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { boundedNetworkRetry } from '../../../adapters/telegram/network-retry.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** Counts connections and resets each at once (ECONNRESET for the client). */
async function resettingServer(): Promise<{ apiRoot: string; connections: () => number }> {
  let count = 0;
  server = createServer((socket) => {
    count += 1;
    socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { apiRoot: `http://127.0.0.1:${port}`, connections: () => count };
}

describe('bounded network retries of Telegram calls', () => {
  it('gives up after the configured attempts with the network error', async () => {
    const { apiRoot, connections } = await resettingServer();
    const api = new Api('123:abc', { apiRoot });
    const gaveUp: string[] = [];
    api.config.use(boundedNetworkRetry({ attempts: 3, firstDelayMs: 20, onGiveUp: (m) => gaveUp.push(m) }));
    api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 120, rethrowHttpErrors: true }));

    const began = performance.now();
    const error = await api.sendMessage(1, 'hello').catch((e: unknown) => e);
    const seconds = (performance.now() - began) / 1000;
    console.log(
      `unreachable Telegram: sendMessage failed after ${connections()} attempts in ${seconds.toFixed(2)} s`,
    );
    expect(error).toBeInstanceOf(HttpError);
    expect(connections()).toBe(3);
    expect(gaveUp).toEqual(['sendMessage']);
  });

  it('does not retry a call its caller aborted', async () => {
    const { apiRoot, connections } = await resettingServer();
    const api = new Api('123:abc', { apiRoot });
    api.config.use(boundedNetworkRetry({ attempts: 5, firstDelayMs: 1000 }));
    const abort = new AbortController();
    const pending = api.getMe(abort.signal as never).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100)); // first attempt failed, waiting 1 s
    abort.abort();
    expect(await pending).toBeInstanceOf(HttpError);
    expect(connections()).toBe(1);
  });
});
