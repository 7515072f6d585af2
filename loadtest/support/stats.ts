/**
 * The load tests' one percentile and the summaries built on it (the harness's report, the
 * fault run's report, the bot's log line, the benches' tables).
 */

/**
 * Nearest-rank percentile of ascending `sorted` values (p in 0..100): the smallest value with
 * at least p % of the samples at or below it. With few samples, p99 is simply the largest.
 * NaN when there are none.
 * @example percentile([1, 2, 3, 4], 50) // 2
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * Count, mean and percentiles of a set of samples (null when there are none).
 * @example summarize([3, 1, 2]) // { count: 3, mean: 2, p50: 2, p95: 3, p99: 3, max: 3 }
 */
export function summarize(samples: readonly number[]): Summary | null {
  if (samples.length === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  const total = sorted.reduce((a, b) => a + b, 0);
  const at = (p: number) => percentile(sorted, p);
  const round = (v: number) => Math.round(v * 100) / 100;
  return { count: sorted.length, mean: round(total / sorted.length), p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(sorted[sorted.length - 1]) };
}

/** "p50/p95/p99/max ms" of a summary, for the progress line and the report. */
export function formatSummary(s: Summary | null, which: ("p50" | "p95" | "p99" | "max")[] = ["p50", "p95", "p99", "max"]): string {
  if (!s) return "—";
  return `${which.map((k) => fmtMs(s[k])).join(" / ")} ms (n=${s.count})`;
}

function fmtMs(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}
