import { defineConfig } from 'vitest/config';

// Slow accuracy checks (`pnpm test:slow`): not part of CI's unit suite.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.slow.test.ts', 'test/**/*.slow.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 3_600_000,
    pool: 'forks',
  },
});
