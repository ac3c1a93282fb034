import { defineConfig } from 'vitest/config';

// The fault-injection tests stop and restart the database `npm test` made, so they run
// after every other suite, one file at a time.
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
