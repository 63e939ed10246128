/** Email wiring at start (#21): without SMTP_URL, one warning when a flow plans email, none otherwise. */
import { describe, expect, it } from 'vitest';
import { createEmailWiring } from '../../src/app/email-wiring.ts';
import { createHttpServer } from '../../src/app/http-server.ts';
import { createFlowCatalog } from '../../src/core/flow/catalog.ts';
import { parseFlow } from '../../src/core/flow/validate.ts';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import type { Logger } from '../../src/core/ports/index.ts';
import { testLimits } from '../helpers/limits.ts';
import { NURTURE_FLOW } from '../nurture/harness.ts';

function capture() {
  const warnings: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (_o, msg) => void warnings.push(msg ?? ''),
    error() {},
    child: () => logger,
  };
  return { logger, warnings };
}

const flowWith = (channel: string) =>
  parseFlow({
    ...NURTURE_FLOW,
    followUps: { nurture: { every: '1d', channel, messages: [{ text: 'Guide', subject: 'Guide' }] } },
  });

describe('email wiring without SMTP_URL', () => {
  for (const [channel, expected] of [
    ['email', 1],
    ['chat-then-email', 1],
    ['chat', 0],
  ] as const) {
    it(`${channel} follow-ups: ${expected} warning(s), and email is skipped`, async () => {
      const { logger, warnings } = capture();
      const wiring = await createEmailWiring({
        config: { adapters: { email: null } },
        limits: testLimits().chat,
        store: createMemoryStore(),
        flows: createFlowCatalog([flowWith(channel)]),
        clock: { now: () => new Date() },
        logger,
        http: createHttpServer({ logger }),
      });
      expect(warnings.filter((w) => w.includes('SMTP_URL is not set'))).toHaveLength(expected);
      expect(wiring.route.sender).toBeNull();
    });
  }
});
