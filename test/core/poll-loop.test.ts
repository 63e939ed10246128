import { expect, it, vi } from 'vitest';
import { createPollLoop } from '../../src/core/poll-loop.ts';
import { silentLogger } from '../helpers/engine.ts';

it('wake() during a round makes the next round start without sleeping the poll interval', async () => {
  let rounds = 0;
  let release!: () => void;
  const loop = createPollLoop({
    round: async () => {
      rounds += 1;
      if (rounds === 1) await new Promise<void>((r) => (release = r)); // the first round is slow
      return false;
    },
    pollMs: 60_000,
    logger: silentLogger,
    failure: 'round failed',
  });
  loop.start();
  await vi.waitFor(() => expect(rounds).toBe(1));
  loop.wake(); // work arrives while round 1 runs
  release();
  await vi.waitFor(() => expect(rounds).toBe(2), { timeout: 2000 });
  loop.wake(); // and while sleeping
  await vi.waitFor(() => expect(rounds).toBe(3), { timeout: 2000 });
  await loop.stop();
});
