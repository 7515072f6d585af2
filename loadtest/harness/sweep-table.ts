/**
 * What `npm run loadtest:sweep` (sweep.ts) makes of its runs' JSON reports: one row per run,
 * the markdown table and the chart (CCU against answer→patch p50/p99 and server CPU, with the
 * 50 ms line). Pure: reports in, text out.
 */
import type { Report } from "./report";
import { lineChartSvg } from "../support/svg-chart";

/** The answer→patch p99 a process should stay under (docs/benchmarks.md's limit). */
export const LATENCY_LINE_MS = 50;

/** One run of the sweep, as the table and the chart show it. */
export interface SweepRow {
  bots: number;
  ok: boolean;
  /** The harness's exit code; failures say why a run that ran did not pass. */
  exitCode: number | null;
  failures: string[];
  ccuPeak: number;
  ccuMean: number;
  answerPatchP50: number | null;
  answerPatchP99: number | null;
  answerPatchMax: number | null;
  /** Every spawned server's mean CPU, added up (100 = one core); null with --endpoint. */
  serverCpuPercent: number | null;
  serverCpuBusiest5s: number | null;
  serverRssMB: number | null;
  serverCpuMsPerLearnerSecond: number | null;
  loadGeneratorCpuPercent: number;
  loadGeneratorLagP99Ms: number;
  machineCpuPercent: number | null;
  saturated: string;
  duels: number;
  errors: number;
}

const sum = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) * 10) / 10;

/** A run's row from its JSON report (or, when it wrote none, what is known: its bots and exit code). */
export function rowOf(bots: number, exitCode: number | null, report: Report | undefined): SweepRow {
  if (!report) {
    const none = { ccuPeak: 0, ccuMean: 0, answerPatchP50: null, answerPatchP99: null, answerPatchMax: null, serverCpuPercent: null, serverCpuBusiest5s: null, serverRssMB: null };
    return { bots, ok: false, exitCode, failures: ["the run wrote no report"], ...none, serverCpuMsPerLearnerSecond: null, loadGeneratorCpuPercent: 0, loadGeneratorLagP99Ms: 0, machineCpuPercent: null, saturated: "?", duels: 0, errors: 0 };
  }
  const servers = report.servers.filter((s) => s.pid !== undefined);
  const shards = report.loadGenerator.filter((g) => g.bots > 0);
  const ap = report.latencyMs.answerPatch;
  return {
    bots,
    ok: report.ok,
    exitCode,
    failures: report.failures,
    ccuPeak: report.ccu.peak,
    ccuMean: report.ccu.mean,
    answerPatchP50: ap?.p50 ?? null,
    answerPatchP99: ap?.p99 ?? null,
    answerPatchMax: ap?.max ?? null,
    serverCpuPercent: servers.length ? sum(servers.map((s) => s.cpuPercentMean ?? NaN)) : null,
    serverCpuBusiest5s: servers.length ? sum(servers.map((s) => s.cpuPercentBusiest5s ?? NaN)) : null,
    serverRssMB: servers.length ? sum(servers.map((s) => s.rssMB ?? NaN)) : null,
    serverCpuMsPerLearnerSecond: report.saturation?.serverCpuMsPerLearnerSecond ?? null,
    loadGeneratorCpuPercent: sum(shards.map((g) => g.cpuPercentMean)),
    loadGeneratorLagP99Ms: Math.max(0, ...shards.map((g) => g.maxLoopDelayP99Ms)),
    machineCpuPercent: report.machineCpu?.cpuPercentMean ?? null,
    saturated: report.saturation?.verdict ?? "?",
    duels: report.duelsCompleted,
    errors: Object.values(report.errors).reduce((a, b) => a + b, 0),
  };
}

const cell = (v: number | null, unit = "") => (v === null || !Number.isFinite(v) ? "—" : `${v}${unit}`);

/** The sweep's markdown table, one line per run, with what every column means under it. */
export function sweepTable(rows: SweepRow[], command: string): string {
  const head = ["bots", "CCU peak / mean", "answer→patch p50 / p99 (max) ms", "server CPU mean (busiest 5 s)", "server RSS", "server CPU ms per learner-s", "load generator CPU (lag p99)", "machine CPU", "saturated", "duels", "errors", "run"];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const r of rows) {
    const p99 = r.answerPatchP99 !== null && r.answerPatchP99 > LATENCY_LINE_MS ? `**${r.answerPatchP99}**` : cell(r.answerPatchP99);
    lines.push(
      `| ${[
        r.bots,
        `${r.ccuPeak} / ${r.ccuMean}`,
        `${cell(r.answerPatchP50)} / ${p99} (${cell(r.answerPatchMax)})`,
        `${cell(r.serverCpuPercent, " %")} (${cell(r.serverCpuBusiest5s, " %")})`,
        cell(r.serverRssMB, " MB"),
        cell(r.serverCpuMsPerLearnerSecond),
        `${r.loadGeneratorCpuPercent} % (${r.loadGeneratorLagP99Ms} ms)`,
        cell(r.machineCpuPercent, " %"),
        r.saturated,
        r.duels,
        r.errors,
        r.ok ? "OK" : `FAILED (exit ${r.exitCode}): ${r.failures.join("; ").replace(/\|/g, "/")}`,
      ].join(" | ")} |`,
    );
  }
  return [
    `Load sweep: \`${command}\``,
    "",
    ...lines,
    "",
    `answer→patch p99 above ${LATENCY_LINE_MS} ms is in bold. CPU: 100 % = one core (servers added up; machine: all CPUs, steal included).`,
    "Server CPU ms per learner-s: the servers' CPU time ÷ (mean CCU × run seconds); the target is ≤ 0.05.",
    "",
  ].join("\n");
}

/** The sweep's chart: CCU (peak) against answer→patch p50 and p99 (left) and server CPU (right). */
export function sweepChart(rows: SweepRow[], title: string): string {
  const measured = rows.filter((r) => r.ccuPeak > 0);
  const points = (y: (r: SweepRow) => number | null) => measured.flatMap((r) => (y(r) === null ? [] : [{ x: r.ccuPeak, y: y(r)!, hollow: !r.ok }]));
  return lineChartSvg({
    title,
    xLabel: "CCU (learners holding a WebSocket, peak)",
    leftLabel: "answer→patch (ms)",
    rightLabel: "server CPU (% of a core, mean)",
    series: [
      { name: "answer→patch p50", axis: "left", color: "#1f77b4", points: points((r) => r.answerPatchP50) },
      { name: "answer→patch p99", axis: "left", color: "#ff7f0e", points: points((r) => r.answerPatchP99) },
      { name: "server CPU", axis: "right", color: "#2ca02c", dash: "6 3", points: points((r) => r.serverCpuPercent) },
    ],
    leftMarks: [{ y: LATENCY_LINE_MS, label: `${LATENCY_LINE_MS} ms` }],
    // A whole core is all one server process can use: the axis shows how far from it the servers are.
    rightAtLeast: 100,
  });
}
