import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/core/outbox/backoff.ts';
import { DeliveryError, deliveryHints } from '../../../src/core/outbox/delivery-error.ts';

describe('backoffDelay', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };

  it('doubles per attempt with the upper half random, capped', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(500);
    expect(backoffDelay(1, policy, () => 1)).toBe(1000);
    expect(backoffDelay(3, policy, () => 0)).toBe(2000);
    expect(backoffDelay(30, policy, () => 1)).toBe(60_000);
  });

  it('always stays within [exp/2, exp]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, r) => {
        const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n - 1, 30));
        const d = backoffDelay(n, policy, () => r);
        return d >= Math.floor(exp / 2) && d <= exp;
      }),
    );
  });
});

describe('deliveryHints', () => {
  it('reads DeliveryError and duck-typed hints, and defaults to transient', () => {
    expect(deliveryHints(new DeliveryError('429', { retryAfterMs: 3000 }))).toEqual({
      retryAfterMs: 3000,
      permanent: false,
    });
    expect(deliveryHints({ permanent: true })).toEqual({ retryAfterMs: undefined, permanent: true });
    expect(deliveryHints(new Error('ECONNRESET'))).toEqual({ retryAfterMs: undefined, permanent: false });
    expect(deliveryHints({ retryAfterMs: -1 }).retryAfterMs).toBeUndefined();
  });
});
