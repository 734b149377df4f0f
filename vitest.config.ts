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
    // Loading core (mathjs, fp-ts, tsyringe) takes ~2 s per file; workers reuse modules across files.
    // Tests share no mutable module state: each builds its own container with createKirchhoffContainer().
    isolate: false,
  },
});
