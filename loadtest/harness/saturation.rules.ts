/**
 * Which side of a load run was saturated, and what the server spent per connected learner.
 * Pure: the harness's figures in, a verdict out (report.ts feeds it; test/loadtest tests it).
 *
 * A run's latencies mean something about the server only when the server was the side that
 * ran out. The sides, each checked on its own (several may be saturated at once):
 *  1. **server**: a server process at ≥ {@link CORE_BUSY_PERCENT} % of one core, as a mean over
 *     the run or in its busiest 5 s window. Node runs the game on one thread, so one core is
 *     all a process can use, whatever the machine has.
 *  2. **load generator**: a bot process at ≥ {@link CORE_BUSY_PERCENT} % of one core (the same
 *     way), or its event-loop delay p99 above {@link LAG_BUSY_MS} ms in some second: that delay
 *     is inside every answer→patch the shard measures, so its latencies are partly its own.
 *  3. **machine**: every CPU together (user, system, interrupts and steal, from /proc/stat) at
 *     ≥ {@link MACHINE_BUSY_FRACTION} of nproc cores: the server and the bots then wait for
 *     each other's CPU time, and neither figure is the server's alone.
 *  Otherwise **neither**: the run measured latency under a load the machine could carry.
 *
 * The server's cost is its CPU time over the run ÷ (mean CCU × seconds): milliseconds of CPU
 * per connected learner-second (the target: ≤ {@link COST_TARGET_MS} ms).
 */

/** A process at or above this share of one core (%) counts as saturated. */
export const CORE_BUSY_PERCENT = 90;
/** A bot process whose event-loop delay p99 exceeds this (ms) inflates what it measures. */
export const LAG_BUSY_MS = 50;
/** The machine is saturated at this fraction of all its cores. */
export const MACHINE_BUSY_FRACTION = 0.9;
/** The target for the server's CPU per connected learner-second (ms). */
export const COST_TARGET_MS = 0.05;

/** The CPU figures of one watched process (100 = one core). */
export interface ProcessCpu {
  cpuPercentMean: number;
  cpuPercentBusiest5s: number;
}

/** What the verdict is made from: the run's figures as the report has them. */
export interface SaturationInput {
  nproc: number;
  durationS: number;
  ccuMean: number;
  /** Spawned servers, with their CPU time over the run (none with --endpoint: not judged). */
  servers: (ProcessCpu & { cpuMs: number })[];
  shards: (ProcessCpu & { maxLoopDelayP99Ms: number })[];
  /** All CPUs together (100 = one core, so at most nproc × 100), when /proc/stat was read. */
  machine?: ProcessCpu;
}

export type Side = "server" | "load generator" | "machine";

/** The verdict: the sides saturated (in the order above), why, and the server's cost. */
export interface SaturationVerdict {
  /** "server", "load generator", "machine", several joined by " + ", or "neither". */
  verdict: string;
  saturated: Side[];
  /** One line per side found saturated, with the figure and the threshold. */
  reasons: string[];
  /** Server CPU ms per connected learner-second; null without spawned servers or learners. */
  serverCpuMsPerLearnerSecond: number | null;
  /** Whether that cost meets {@link COST_TARGET_MS}; null when it is unknown. */
  withinCostTarget: boolean | null;
  /** False with --endpoint: the servers' side could not be judged. */
  serversJudged: boolean;
}

const fmt = (v: number) => (Number.isFinite(v) ? String(Math.round(v * 10) / 10) : "?");

/** Why a process counts as busy ("mean 93 % of a core"), or undefined when it does not. */
function busyCore(p: ProcessCpu): string | undefined {
  if (p.cpuPercentMean >= CORE_BUSY_PERCENT) return `mean ${fmt(p.cpuPercentMean)} % of a core`;
  if (p.cpuPercentBusiest5s >= CORE_BUSY_PERCENT) return `${fmt(p.cpuPercentBusiest5s)} % of a core in its busiest 5 s`;
  return undefined;
}

/**
 * The run's verdict.
 * @example
 * saturation({ nproc: 2, durationS: 60, ccuMean: 1000, servers: [{ cpuPercentMean: 95, cpuPercentBusiest5s: 99, cpuMs: 57000 }], shards: [] })
 * // → verdict "server", serverCpuMsPerLearnerSecond 0.95, withinCostTarget false
 */
export function saturation(input: SaturationInput): SaturationVerdict {
  const reasons: Partial<Record<Side, string[]>> = {};
  const add = (side: Side, why: string) => (reasons[side] ??= []).push(why);
  input.servers.forEach((s, i) => {
    const why = busyCore(s);
    if (why) add("server", `server ${i}: ${why} (≥ ${CORE_BUSY_PERCENT} %)`);
  });
  input.shards.forEach((s, i) => {
    const why = busyCore(s);
    if (why) add("load generator", `shard ${i}: ${why} (≥ ${CORE_BUSY_PERCENT} %)`);
    else if (s.maxLoopDelayP99Ms > LAG_BUSY_MS) add("load generator", `shard ${i}: event-loop delay p99 ${fmt(s.maxLoopDelayP99Ms)} ms (> ${LAG_BUSY_MS} ms)`);
  });
  const m = input.machine;
  const full = input.nproc * 100 * MACHINE_BUSY_FRACTION;
  if (m && Math.max(m.cpuPercentMean, m.cpuPercentBusiest5s) >= full) {
    const which = m.cpuPercentMean >= full ? `mean ${fmt(m.cpuPercentMean)} %` : `${fmt(m.cpuPercentBusiest5s)} % in its busiest 5 s`;
    add("machine", `all CPUs: ${which} of ${input.nproc * 100} % (≥ ${fmt(full)} %, steal included)`);
  }
  const saturated = (["server", "load generator", "machine"] as const).filter((side) => reasons[side]);
  const learnerSeconds = input.ccuMean * input.durationS;
  const cpuMs = input.servers.reduce((sum, s) => sum + s.cpuMs, 0);
  const cost = input.servers.length > 0 && learnerSeconds > 0 && Number.isFinite(cpuMs) ? cpuMs / learnerSeconds : null;
  return {
    verdict: saturated.length > 0 ? saturated.join(" + ") : "neither",
    saturated,
    reasons: saturated.flatMap((side) => reasons[side]!),
    serverCpuMsPerLearnerSecond: cost === null ? null : Math.round(cost * 10_000) / 10_000,
    withinCostTarget: cost === null ? null : cost <= COST_TARGET_MS,
    serversJudged: input.servers.length > 0,
  };
}
