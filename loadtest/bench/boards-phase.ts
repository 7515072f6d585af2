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
  /** The warm-up's latencies: what a process answers before V8 has optimised its hot path. */
  cold: Summary;
}

export const NO_SAMPLES: Summary = { count: 0, mean: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN };

/**
 * One operation of a phase: what it needs is made when it is built (untimed: picking a
 * learner, signing their token), only `send` is timed, and `check` looks at the answer
 * afterwards (untimed: the bench's own checks are not the server's latency).
 */
export interface Operation<T = unknown> {
  send(): Promise<T>;
  check?(answer: T): void;
}

/** Runs `n` operations with `k` workers, timing each `send` if `samples` is given; stops at `deadline` (ms epoch) once one is done. */
async function pool(n: number, k: number, deadline: number, op: (i: number) => Operation, samples?: number[], tick?: () => void): Promise<number> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < n && failed === undefined && !(next > 0 && Date.now() > deadline)) {
      const i = next++;
      try {
        const o = op(i);
        const t0 = nowNs();
        const answer = await o.send();
        samples?.push(msSince(t0));
        o.check?.(answer);
      } catch (err) {
        failed ??= err;
        return;
      }
      tick?.();
    }
  };
  await Promise.all(Array.from({ length: Math.min(k, n) }, worker));
  if (failed !== undefined) throw failed;
  return next;
}

/** Warm-up (untimed, `op` gets −1 − i), then `count` timed operations, `concurrency` in flight. */
export async function runPhase(label: string, spec: PhaseSpec, op: (i: number) => Operation): Promise<PhaseResult> {
  const deadline = Date.now() + spec.budgetMs;
  const cold: number[] = [];
  if (spec.warmup > 0) await pool(spec.warmup, spec.concurrency, deadline, (i) => op(-1 - i), cold);
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
    cold: summarize(cold) ?? NO_SAMPLES,
  };
}
