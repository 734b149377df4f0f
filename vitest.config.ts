import { defineConfig } from 'vitest/config';

// The unit suite: fast (well under two minutes on two cores). Slow accuracy runs live in vitest.slow.config.ts.
export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'test/**/*.test.ts',
      'examples/plugin-example/test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/*.slow.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
