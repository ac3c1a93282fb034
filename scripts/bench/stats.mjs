// Summaries of measured samples.

/**
 * The p-th percentile (0–100) of samples, by nearest rank; NaN when there are none.
 * @param {number[]} samples @param {number} p
 * @example percentile([1, 2, 3, 4], 50) // 2
 */
export function percentile(samples, p) {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * p50, p95 and p99 of samples, rounded to 0.1.
 * @param {number[]} samples
 */
export function latencySummary(samples) {
  const round = (value) => Math.round(value * 10) / 10;
  return {
    count: samples.length,
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
  };
}
