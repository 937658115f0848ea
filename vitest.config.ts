import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // one temporary folder per run, removed at the end (XAFS_KEEP_TEST_TMP=1 keeps it)
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 60_000,
    // the JSON report lets .ci/run print the plain "N passed, N failed" line CI reads
    reporters: ['default', ['json', { outputFile: 'build/vitest-report.json' }]],
  },
});
