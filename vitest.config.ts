import { defineConfig } from 'vitest/config';

/**
 * Files whose assertions include a latency or a deadline measured while they run (a flood with
 * /healthz p99, reporting at 100k leads, fail-fast exits within N s, slow-client cut-offs, crash
 * and scale-out runs that spawn several processes). They run after the rest, one file at a time,
 * so on these 2-core machines their figures measure leadbot, not the other test files beside it.
 */
const TIMED = [
  'test/web/flood.test.ts',
  'test/web/reporting-scale.test.ts',
  'test/app/start-fail-fast.test.ts',
  'test/app/http-hardening.test.ts',
  'test/faults/crash.test.ts',
  'test/faults/inbox-crash.test.ts',
  'test/faults/socket-crash.test.ts',
  'test/scale/two-processes.test.ts',
];

const shared = {
  // Several suites spawn real `leadbot` processes; on 2 busy cores a cold tsx start takes seconds.
  testTimeout: 90_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'parallel',
          include: ['test/**/*.test.ts'],
          exclude: TIMED,
          // Two cores: keep parallelism modest so loopback fakes and databases do not starve.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'timed',
          include: TIMED,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
