import { describe, expect, it } from 'vitest';
import { latencySummary, percentile } from './stats.mjs';

describe('percentile()', () => {
  it('takes the nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
  });

  it('is NaN without samples', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('latencySummary()', () => {
  it('counts and rounds', () => {
    expect(latencySummary([1.04, 2.06, 3])).toEqual({ count: 3, p50: 2.1, p95: 3, p99: 3 });
  });
});
