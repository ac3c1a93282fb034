// The built package (`tsc -p client`, which npm test runs first) loads as an app imports it.
import { describe, expect, it } from 'vitest';

describe('client/dist', () => {
  it('exports createExamClient, the stores and the React hook', async () => {
    const sdk = await import('../dist/client/src/index.js');
    const react = await import('../dist/client/src/react.js');
    expect(typeof react.useExamAttempt).toBe('function');
    expect(typeof sdk.createExamClient).toBe('function');
    expect(typeof sdk.memoryStore).toBe('function');
  });
});
