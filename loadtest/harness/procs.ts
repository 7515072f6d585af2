/**
 * CPU and memory of the harness's child processes (servers and shards), and the CPU of the
 * whole machine, read from /proc.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/** Seconds between two progress lines; a watch's recent CPU covers as many 1 s samples. */
export const PROGRESS_EVERY_S = 5;

/** Clock ticks per second, the unit of /proc's CPU times. */
export const CLK_TCK = (() => {
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
  /** The highest CPU % over 5 s (PROGRESS_EVERY_S one-second samples) within the run. */
  cpuPercentBusiest5s: number;
  /** CPU time (user + system) between the run's start and end, in ms. */
  cpuMs: number;
  rssMB: number;
  peakRssMB: number;
}

/** Tracks the busiest window of samples taken within the run (after its start sample). */
class BusiestWindow<S extends { at: number }> {
  max = NaN;
  constructor(private readonly percent: (a: S, b: S) => number) {}

  see(window: S[], runStart: S | undefined, ended: boolean): void {
    if (!runStart || ended || window.length <= PROGRESS_EVERY_S || window[0].at < runStart.at) return;
    const p = this.percent(window[0], window[window.length - 1]);
    if (Number.isFinite(p) && !(p <= this.max)) this.max = p;
  }
}

/** A process watched for CPU and memory: its start-of-run, recent and end-of-run samples. */
export class ProcWatch {
  private runStart?: ProcSample;
  private runEnd?: ProcSample;
  private recent: ProcSample[] = [];
  private readonly busiest = new BusiestWindow<ProcSample>(cpuPercent);

  constructor(readonly pid: number) {}

  sample(): ProcSample | undefined {
    machine.sample();
    const s = readProc(this.pid);
    if (s) this.recent = [...this.recent.slice(-PROGRESS_EVERY_S), s];
    this.busiest.see(this.recent, this.runStart, this.runEnd !== undefined);
    return s;
  }

  // The machine's run is the processes' run: the harness marks every watch at the same two
  // moments, so the first mark of each also marks the machine (harness.ts need not know it).
  markStart(): void {
    machine.markStart();
    this.runStart = this.sample();
  }

  markEnd(): void {
    machine.markEnd();
    this.runEnd ??= this.sample();
  }

  /** CPU % over the last few seconds. */
  recentCpu(): number {
    return cpuPercent(this.recent[0], this.recent[this.recent.length - 1]);
  }

  figures(): ProcFigures {
    const end = this.runEnd ?? this.recent[this.recent.length - 1];
    const cpuMs = this.runStart && end ? ((end.cpuTicks - this.runStart.cpuTicks) / CLK_TCK) * 1000 : NaN;
    return {
      pid: this.pid,
      cpuPercentMean: round1(cpuPercent(this.runStart, end)),
      cpuPercentLast5s: round1(this.recentCpu()),
      cpuPercentBusiest5s: round1(this.busiest.max),
      cpuMs: Math.round(cpuMs),
      rssMB: round1(end?.rssMB ?? NaN),
      peakRssMB: round1(end?.peakRssMB ?? NaN),
    };
  }
}

interface MachineSample {
  at: number;
  /** Jiffies of every CPU spent busy: user, nice, system, irq, softirq and steal. */
  busy: number;
  steal: number;
  /** Busy plus idle and iowait. */
  total: number;
  /** CPUs counted in /proc/stat (its cpuN lines). */
  cpus: number;
}

/** The machine's CPU time from /proc/stat (its `cpu` line sums every CPU); undefined where there is none. */
export function readMachine(text?: string): MachineSample | undefined {
  try {
    const lines = (text ?? readFileSync("/proc/stat", "utf8")).split("\n");
    const line = lines.find((l) => l.startsWith("cpu "));
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line!.trim().split(/\s+/).slice(1, 9).map(Number);
    const busy = user + nice + system + irq + softirq + (steal || 0);
    if (!Number.isFinite(busy + idle + iowait)) return undefined;
    return { at: performance.now(), busy, steal: steal || 0, total: busy + idle + iowait, cpus: Math.max(1, lines.filter((l) => /^cpu\d+ /.test(l)).length) };
  } catch {
    return undefined;
  }
}

/** CPU of the whole machine between two samples, 100 = one core (at most nproc × 100). */
function machinePercent(a: MachineSample, b: MachineSample, of: "busy" | "steal" = "busy"): number {
  return b.total > a.total ? ((b[of] - a[of]) / (b.total - a.total)) * b.cpus * 100 : NaN;
}

/** The machine's CPU over the run: all processes, the harness's and everybody else's. */
export interface MachineFigures {
  cpuPercentMean: number;
  cpuPercentBusiest5s: number;
  stealPercentMean: number;
}

/** The whole machine's CPU over the run, sampled with the process watches (at most once a second). */
export class MachineWatch {
  private runStart?: MachineSample;
  private runEnd?: MachineSample;
  private recent: MachineSample[] = [];
  private readonly busiest = new BusiestWindow<MachineSample>((a, b) => machinePercent(a, b));

  sample(): void {
    const last = this.recent[this.recent.length - 1];
    // Every watch samples the machine; one sample per harness tick is enough.
    if (last && performance.now() - last.at < 500) return;
    const s = readMachine();
    if (!s) return;
    this.recent = [...this.recent.slice(-PROGRESS_EVERY_S), s];
    this.busiest.see(this.recent, this.runStart, this.runEnd !== undefined);
  }

  markStart(): void {
    this.runStart ??= readMachine();
  }

  markEnd(): void {
    this.runEnd ??= readMachine();
  }

  /** Undefined where /proc/stat cannot be read (or before the run ended). */
  figures(): MachineFigures | undefined {
    const a = this.runStart;
    const b = this.runEnd ?? this.recent[this.recent.length - 1];
    if (!a || !b) return undefined;
    return { cpuPercentMean: round1(machinePercent(a, b)), cpuPercentBusiest5s: round1(this.busiest.max), stealPercentMean: round1(machinePercent(a, b, "steal")) };
  }
}

/** The machine, watched alongside the processes of the run. */
export const machine = new MachineWatch();
