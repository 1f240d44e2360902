import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI reads the counts from this file (.ci/run prints "N passed, N failed").
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.ci/vitest-results.json' },
    projects: [
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: ['test/scale/**'], sequence: { groupOrder: 0 } } },
      // Several runner processes against one sqld, on a machine of their own once the rest is done:
      // on sqld's default WAL (SQLD_WAL=sqlite), load made its write stall likelier (README, "A stall
      // in sqld's default write-ahead log").
      { extends: true, test: { name: 'scale', include: ['test/scale/**/*.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
