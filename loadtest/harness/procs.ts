/**
 * CPU and memory of the harness's child processes (servers and shards), read from /proc.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/** Seconds between two progress lines; a watch's recent CPU covers as many 1 s samples. */
export const PROGRESS_EVERY_S = 5;

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcSample {
  at: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  rssMB: number;
  peakRssMB: number;
}

export function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const mb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) / 1024;
    return { at: performance.now(), cpuTicks: Number(fields[11]) + Number(fields[12]), rssMB: mb("VmRSS"), peakRssMB: mb("VmHWM") };
  } catch {
    return undefined; // the process is gone
  }
}

/** CPU % between two samples (100 = one core busy). */
export function cpuPercent(a?: ProcSample, b?: ProcSample): number {
  if (!a || !b || b.at <= a.at) return NaN;
  return (((b.cpuTicks - a.cpuTicks) / CLK_TCK) * 100_000) / (b.at - a.at);
}

export const round1 = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : NaN);

export interface ProcFigures {
  pid: number;
  cpuPercentMean: number;
  cpuPercentLast5s: number;
  rssMB: number;
  peakRssMB: number;
}

/** A process watched for CPU and memory: its start-of-run, recent and end-of-run samples. */
export class ProcWatch {
  private runStart?: ProcSample;
  private runEnd?: ProcSample;
  private recent: ProcSample[] = [];

  constructor(readonly pid: number) {}

  sample(): ProcSample | undefined {
    const s = readProc(this.pid);
    if (s) this.recent = [...this.recent.slice(-PROGRESS_EVERY_S), s];
    return s;
  }

  markStart(): void {
    this.runStart = this.sample();
  }

  markEnd(): void {
    this.runEnd ??= this.sample();
  }

  /** CPU % over the last few seconds. */
  recentCpu(): number {
    return cpuPercent(this.recent[0], this.recent[this.recent.length - 1]);
  }

  figures(): ProcFigures {
    const end = this.runEnd ?? this.recent[this.recent.length - 1];
    return { pid: this.pid, cpuPercentMean: round1(cpuPercent(this.runStart, end)), cpuPercentLast5s: round1(this.recentCpu()), rssMB: round1(end?.rssMB ?? NaN), peakRssMB: round1(end?.peakRssMB ?? NaN) };
  }
}
