// The built package (`tsc -p client`, which npm test runs first) loads as an app imports it.
import { describe, expect, it } from 'vitest';

describe('client/dist', () => {
  it('exports createExamClient and the stores (react.js needs React, an optional peer)', async () => {
    const sdk = await import('../dist/client/src/index.js');
    expect(typeof sdk.createExamClient).toBe('function');
    expect(typeof sdk.memoryStore).toBe('function');
  });
});
