import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Golden files are compared by test/golden/golden.test.ts, never written by vitest; no snapshots
    // are used, and CI must not write any.
    update: false,
    testTimeout: 60_000,
    pool: 'forks',
    // In CI a JSON report lets .ci/run print one plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
  },
});
