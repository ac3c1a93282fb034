import { defineConfig } from 'vitest/config';

// vitest runs client scenarios (tests/e2e, against the stack `npm test` starts) and the
// tests of Node code in scripts/ and types/, and the client SDK's unit tests (client/test).
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts', 'tests/browser/**/*.test.ts', 'scripts/**/*.test.mjs', 'types/**/*.test.ts',
      'client/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
