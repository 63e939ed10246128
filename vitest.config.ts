import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Several suites spawn real `leadbot` processes; on 2 busy cores a cold tsx start takes seconds.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // Two cores: keep parallelism modest so loopback fakes and databases do not starve.
    maxWorkers: 2,
  },
});
