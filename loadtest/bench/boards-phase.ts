/**
 * A timed phase of the boards bench with K operations in flight (K = 1: one at a time):
 * bounded by a count and a time budget, a progress line every few seconds, the first error
 * stops every worker and is thrown. Percentiles are nearest-rank (support/stats.ts).
 */
import { summarize, type Summary } from "../support/stats";
import { msSince, note, nowNs } from "./measure";

export const PROGRESS_EVERY_MS = 5_000;

export interface PhaseSpec {
  count: number;
  warmup: number;
  concurrency: number;
  budgetMs: number;
}

export interface PhaseResult {
  label: string;
  planned: number;
  done: number;
  concurrency: number;
  /** Wall time of the timed operations (warm-up excluded). */
  wallMs: number;
  perSecond: number;
  latency: Summary;
  /** Every timed latency, ms, in the order they ended (to merge phases run in several processes). */
  samples: number[];
  /** Stopped early: the phase reached its budget. */
  truncated: boolean;
}

export const NO_SAMPLES: Summary = { count: 0, mean: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN };

/** Runs `n` operations with `k` workers, timing each if `samples` is given; stops at `deadline` (ms epoch) once one is done. */
async function pool(n: number, k: number, deadline: number, op: (i: number) => Promise<void>, samples?: number[], tick?: () => void): Promise<number> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < n && failed === undefined && !(next > 0 && Date.now() > deadline)) {
      const i = next++;
      const t0 = nowNs();
      try {
        await op(i);
      } catch (err) {
        failed ??= err;
        return;
      }
      samples?.push(msSince(t0));
      tick?.();
    }
  };
  await Promise.all(Array.from({ length: Math.min(k, n) }, worker));
  if (failed !== undefined) throw failed;
  return next;
}

/** Warm-up (untimed, `op` gets −1 − i), then `count` timed operations, `concurrency` in flight. */
export async function runPhase(label: string, spec: PhaseSpec, op: (i: number) => Promise<void>): Promise<PhaseResult> {
  const deadline = Date.now() + spec.budgetMs;
  if (spec.warmup > 0) await pool(spec.warmup, spec.concurrency, deadline, (i) => op(-1 - i));
  const samples: number[] = [];
  const start = nowNs();
  let lastNote = Date.now();
  const tick = () => {
    if (Date.now() - lastNote < PROGRESS_EVERY_MS) return;
    lastNote = Date.now();
    const s = msSince(start) / 1000;
    const rate = samples.length / s;
    note(`  ${label}: ${samples.length}/${spec.count} in ${s.toFixed(1)} s (${rate.toFixed(0)}/s, ETA ${((spec.count - samples.length) / rate).toFixed(0)} s)`);
  };
  await pool(spec.count, spec.concurrency, deadline, op, samples, tick);
  const wallMs = msSince(start);
  return {
    label,
    planned: spec.count,
    done: samples.length,
    concurrency: spec.concurrency,
    wallMs,
    perSecond: samples.length / (wallMs / 1000),
    latency: summarize(samples) ?? NO_SAMPLES,
    samples,
    truncated: samples.length < spec.count,
  };
}
