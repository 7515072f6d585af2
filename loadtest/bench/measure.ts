/**
 * Timing for the benches: a phase of operations run one after the other, bounded by a count
 * and a time budget, with nearest-rank percentiles of the timed samples (support/stats.ts).
 */
import { percentile } from "../support/stats";

const PROGRESS_EVERY_MS = 15_000;

export const nowNs = () => process.hrtime.bigint();
export const msSince = (t0: bigint) => Number(nowNs() - t0) / 1e6;

/** Progress on stderr, so stdout keeps only the tables. */
export const note = (msg: string) => console.error(msg);

/** How one phase went: operations planned and done, and their latencies in ms. */
export interface Phase {
  planned: number;
  done: number;
  totalMs: number;
  p50: number;
  p99: number;
  /** Stopped early: the phase reached its budget. */
  truncated: boolean;
}

/**
 * Runs `op` `warmup` times untimed, then `count` times timed, one after the other; stops
 * early (keeping at least one timed sample) once the phase has run `budgetMs`. A warm-up
 * call gets a negative index.
 */
export async function measure(label: string, count: number, warmup: number, budgetMs: number, op: (i: number) => Promise<void>): Promise<Phase> {
  const phaseStart = nowNs();
  let lastNote = Date.now();
  const over = () => msSince(phaseStart) > budgetMs;
  for (let i = 0; i < warmup && !over(); i++) await op(-1 - i);
  const samples: number[] = [];
  const start = nowNs();
  let truncated = false;
  for (let i = 0; i < count; i++) {
    if (i > 0 && over()) {
      truncated = true;
      break;
    }
    const t0 = nowNs();
    await op(i);
    samples.push(msSince(t0));
    if (Date.now() - lastNote > PROGRESS_EVERY_MS) {
      lastNote = Date.now();
      note(`  ${label}: ${i + 1}/${count} in ${(msSince(start) / 1000).toFixed(1)} s`);
    }
  }
  const totalMs = msSince(start);
  samples.sort((x, y) => x - y);
  return { planned: count, done: samples.length, totalMs, p50: percentile(samples, 50), p99: percentile(samples, 99), truncated };
}

/** Milliseconds with about three significant digits ("—" when there is no figure). */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return "—";
  if (v < 1) return v.toFixed(3);
  if (v < 10) return v.toFixed(2);
  if (v < 100) return v.toFixed(1);
  return v.toFixed(0);
}

/** Per-second rate: whole numbers from 100 up, else 3 significant digits (0.0076). */
export const rate = (v: number) => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));

/** Operations done, as `done/planned*` when the phase stopped early. */
export const count = (p: Phase) => (p.truncated ? `${p.done}/${p.planned}*` : `${p.done}`);
