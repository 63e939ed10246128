/**
 * Real rate limits for tests (src/app/rate-limits.ts, counted in memory): every public route
 * requires them. The default budgets are far above what a test sends, so only tests about
 * limits meet one; they pass their own.
 */

import type { AppConfig } from '../../src/app/config.ts';
import { createRateLimits, type RateLimits } from '../../src/app/rate-limits.ts';
import { silentLogger } from './engine.ts';

const ROOMY = { points: 100_000, seconds: 60 };

export function testLimits(limits: Partial<AppConfig['rateLimits']> = {}): RateLimits {
  return createRateLimits({
    limits: { chatIp: ROOMY, chatVisitor: ROOMY, login: ROOMY, link: ROOMY, ...limits },
    trustProxy: 0,
    logger: silentLogger,
  });
}
