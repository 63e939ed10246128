/**
 * Scale-out: web chat conversations through 1 and then 2 real `leadbot start` processes on one
 * PostgreSQL database (fresh each time), requests spread round-robin like a load balancer.
 */
import { startFakeSlackApi } from '../test/fakes/slack-api.ts';
import {
  loadScripts,
  mapConcurrent,
  postUntilAcknowledged,
  randomId,
  startBot,
  stopBot,
  type WebBody,
} from '../test/scale/cluster.ts';
import { freshDatabase } from './databases.ts';

export interface ScaleRun {
  instances: number;
  requests: number;
  perSecond: number;
}

export async function webLoad(
  instances: number,
  conversations: number,
  concurrency: number,
): Promise<ScaleRun> {
  const db = await freshDatabase('postgres');
  const slack = await startFakeSlackApi();
  const bots = await Promise.all(Array.from({ length: instances }, () => startBot(db.url, slack)));
  try {
    const strong = (await loadScripts()).find((s) => s.name === 'strong-prospect')!;
    // Warm-up, untimed: one conversation per process (JIT, flow snapshot, connection pool).
    for (const bot of bots)
      for (const body of strong.requests) await postUntilAcknowledged(() => bot.base, `w${randomId()}`, body);
    let turn = 0;
    const pick = () => bots[turn++ % bots.length]!.base;
    const { requests, seconds } = await driveConversations(pick, strong.requests, conversations, concurrency);
    return { instances, requests, perSecond: requests / seconds };
  } finally {
    await Promise.all(bots.map((b) => stopBot(b)));
    await slack.close();
    await db.drop();
  }
}

/**
 * `conversations` web chat visitors, `concurrency` at once, each sending `requests` in order to
 * the process `pick` names (retrying as the widget does); the requests sent and the seconds taken.
 */
export async function driveConversations(
  pick: () => string,
  requests: WebBody[],
  conversations: number,
  concurrency: number,
): Promise<{ requests: number; seconds: number }> {
  const started = performance.now();
  let sent = 0;
  await mapConcurrent(
    Array.from({ length: conversations }, (_, i) => `s${i}_${randomId()}`),
    concurrency,
    async (visitorId) => {
      for (const body of requests) {
        await postUntilAcknowledged(pick, visitorId, body);
        sent += 1;
      }
    },
  );
  return { requests: sent, seconds: (performance.now() - started) / 1000 };
}
