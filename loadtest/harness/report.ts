/**
 * The end of a load run: its report (built from the run's state), printed and optionally
 * written as JSON, and the exit code that goes with it. The report ends with the verdict of
 * saturation.rules.ts: which side was saturated, and the servers' CPU per learner-second.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import type { HarnessOptions } from "./options";
import { machine, round1, type MachineFigures, type ProcFigures } from "./procs";
import { COST_TARGET_MS, saturation, type SaturationVerdict } from "./saturation.rules";
import { elapsedS, log, run } from "./run";
import { formatSummary, summarize, type Summary } from "../support/stats";

/** The report of one run, as printed and as written to --json. */
export interface Report {
  ok: boolean;
  exitCode: number;
  failures: string[];
  stoppedBy: string;
  date: string;
  command: string;
  machine: { nproc: number; cpu: string; node: string; loadavg: number[] };
  /** Every CPU of the machine over the run (100 = one core), from /proc/stat. */
  machineCpu?: MachineFigures;
  options: HarnessOptions;
  bots: number;
  botsStarted: number;
  durationS: number;
  servers: ({ endpoint: string; logWarn?: number; logError?: number; logMessages?: Record<string, number> } & Partial<ProcFigures>)[];
  loadGenerator: (ProcFigures & { shard: number; bots: number; maxLoopDelayP99Ms: number })[];
  ccu: { peak: number; mean: number };
  duelsCompleted: number;
  paired: number;
  pairedPerSecond: number;
  answers: { sent: number; meantRight: number; accepted: number };
  latencyMs: { signIn: Summary | null; queueWait: Summary | null; join: Summary | null; answerPatch: Summary | null };
  errors: Record<string, number>;
  expected: Record<string, number>;
  duringStop: Record<string, number>;
  errorExamples: Record<string, string>;
  /** Which side was saturated, and the server's CPU per connected learner-second. */
  saturation: SaturationVerdict;
}

/** The run's failures, with those its figures show (too many errors, no duel, nobody paired). */
function failuresOf(): string[] {
  const t = run.totals;
  const failures = [...run.failures];
  if (t.errorCount > run.opts.maxErrors) failures.push(`${t.errorCount} errors (more than --max-errors ${run.opts.maxErrors})`);
  if (run.startedAt !== undefined) {
    if (run.opts.scenario === "pairing" && t.paired === 0) failures.push("nobody was paired");
    if (run.opts.scenario !== "pairing" && t.matchIds.size === 0) failures.push("no duel completed");
  }
  return failures;
}

/** The verdict from the figures the report shows (servers only when spawned here). */
function verdictOf(r: Omit<Report, "saturation">): SaturationVerdict {
  const servers = r.servers.filter((s): s is typeof s & ProcFigures => s.pid !== undefined);
  return saturation({ nproc: r.machine.nproc, durationS: r.durationS, ccuMean: r.ccu.mean, servers, shards: r.loadGenerator.filter((g) => g.bots > 0), machine: r.machineCpu });
}

function buildReport(): Report {
  const r = reportFigures();
  return { ...r, saturation: verdictOf(r) };
}

function reportFigures(): Omit<Report, "saturation"> {
  const t = run.totals;
  const durationS = Math.round(elapsedS() * 10) / 10;
  const ccu = run.ccuSamples;
  const failures = failuresOf();
  const exitCode = failures.length > 0 ? 1 : 0;
  return {
    ok: exitCode === 0,
    exitCode,
    failures,
    stoppedBy: run.stoppedBy ?? "not started",
    date: new Date().toISOString(),
    command: `npm run loadtest -- ${process.argv.slice(2).join(" ")}`,
    machine: { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? "?", node: process.version, loadavg: os.loadavg().map(round1) },
    machineCpu: machine.figures(),
    options: run.opts,
    bots: run.opts.bots,
    botsStarted: run.shards.reduce((n, p) => n + p.started, 0),
    durationS,
    servers:
      run.servers.length > 0
        ? run.servers.map((s) => ({ endpoint: s.http, ...s.watch.figures(), logWarn: s.logWarn, logError: s.logError, logMessages: s.logMessages }))
        : run.endpoints.map((endpoint) => ({ endpoint })),
    loadGenerator: run.shards.map((p) => ({ shard: p.index, bots: p.started, ...p.watch.figures(), maxLoopDelayP99Ms: p.maxLoopDelayP99Ms })),
    ccu: { peak: ccu.length ? Math.max(...ccu) : 0, mean: ccu.length ? round1(ccu.reduce((a, b) => a + b, 0) / ccu.length) : 0 },
    duelsCompleted: t.matchIds.size,
    paired: t.paired,
    pairedPerSecond: durationS > 0 ? Math.round((t.paired / durationS) * 100) / 100 : 0,
    answers: { sent: t.answersSent, meantRight: t.answersRight, accepted: t.answersAccepted },
    latencyMs: { signIn: summarize(t.samples.signIn), queueWait: summarize(t.samples.queueWait), join: summarize(t.samples.join), answerPatch: summarize(t.samples.answerPatch) },
    errors: t.errors.errors,
    expected: t.errors.expected,
    duringStop: t.errors.duringStop,
    errorExamples: t.examples,
  };
}

function counts(c: Record<string, number>): string {
  const entries = Object.entries(c).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? "none" : entries.map(([code, n]) => `${code} ${n}`).join(", ");
}

/** The report's headline figures: options, load, throughput, latencies and errors. */
function summaryLines(r: Report): string[] {
  const o = r.options;
  return [
    "",
    `── LinguaLeap load test: ${r.ok ? "OK" : "FAILED"} ──`,
    `scenario ${o.scenario}, ${o.lang}/${o.mode}/${o.direction}, accuracy ${o.accuracy}, think ${o.thinkMs} ms${o.fast ? ", --fast" : ""}${o.rounds ? `, ${o.rounds} rounds` : ""}`,
    `bots             ${r.botsStarted}/${r.bots} started on ${r.loadGenerator.length} shard(s), ramp ${o.rampS} s`,
    `servers          ${r.servers.map((s) => s.endpoint).join(", ")}${r.servers.length > 1 && run.redis ? " (cluster on Redis)" : ""}`,
    `duration         ${r.durationS} s (stopped by: ${r.stoppedBy})`,
    `CCU              peak ${r.ccu.peak}, mean ${r.ccu.mean} (learners holding a WebSocket, sampled every second)`,
    `duels completed  ${r.duelsCompleted}`,
    `paired           ${r.paired} learners, ${r.pairedPerSecond}/s`,
    `answers          ${r.answers.sent} sent (${r.answers.meantRight} meant right), ${r.answers.accepted} accepted`,
    `join             p50/p95/p99/max ${formatSummary(r.latencyMs.join)}   (${o.scenario === "casual" ? "joinDuel call → seated" : "matched → seated"})`,
    `queue wait       p50/p99 ${formatSummary(r.latencyMs.queueWait, ["p50", "p99"])}   (${o.scenario === "casual" ? "seated → opponent arrived" : "queued → matched"})`,
    `answer→patch     p50/p95/p99/max ${formatSummary(r.latencyMs.answerPatch)}`,
    `sign-in          p50/p99 ${formatSummary(r.latencyMs.signIn, ["p50", "p99"])}`,
    `errors           ${counts(r.errors)}`,
    `expected         ${counts(r.expected)}${o.scenario === "pairing" ? " (DUEL_NO_SHOW: the opponent left first)" : ""}`,
    `during stop      ${counts(r.duringStop)}`,
  ];
}

/** The saturation verdict and the server's cost, as report lines. */
function verdictLines(v: SaturationVerdict): string[] {
  const cost = v.serverCpuMsPerLearnerSecond;
  return [
    `saturated        ${v.verdict}${v.serversJudged ? "" : " (servers not spawned here: not judged)"}`,
    ...v.reasons.map((why) => `  ${why}`),
    `server cost      ${cost === null ? "n/a" : `${cost} ms CPU per connected learner-second (target ≤ ${COST_TARGET_MS}: ${v.withinCostTarget ? "met" : "missed"})`}`,
  ];
}

function printReport(r: Report): void {
  const lines = summaryLines(r);
  for (const [code, text] of Object.entries(r.errorExamples)) if (r.errors[code]) lines.push(`  ${code}: ${text.split("\n")[0]}`);
  for (const s of r.servers) {
    if (s.pid === undefined) lines.push(`server ${s.endpoint}: not spawned here (no CPU/RSS figures)`);
    else lines.push(`server ${s.endpoint} pid ${s.pid}: cpu mean ${s.cpuPercentMean}% (busiest 5 s ${s.cpuPercentBusiest5s}%, last 5 s ${s.cpuPercentLast5s}%, ${s.cpuMs} ms in all), rss ${s.rssMB} MB (peak ${s.peakRssMB} MB), log warn ${s.logWarn} error ${s.logError}`);
    for (const [text, n] of Object.entries(s.logMessages ?? {})) lines.push(`  ${n}× ${text}`);
  }
  for (const g of r.loadGenerator.filter((g) => g.bots > 0)) lines.push(`shard ${g.shard} pid ${g.pid}: ${g.bots} bots, cpu mean ${g.cpuPercentMean}% (busiest 5 s ${g.cpuPercentBusiest5s}%), rss ${g.rssMB} MB, event-loop delay p99 max ${g.maxLoopDelayP99Ms} ms`);
  lines.push(`machine          ${r.machine.nproc} CPUs (${r.machine.cpu}), node ${r.machine.node}, load ${r.machine.loadavg.join(" ")}`);
  const m = r.machineCpu;
  if (m) lines.push(`machine cpu      mean ${m.cpuPercentMean}% of ${r.machine.nproc * 100}% (busiest 5 s ${m.cpuPercentBusiest5s}%), steal ${m.stealPercentMean}%`);
  lines.push(...verdictLines(r.saturation));
  for (const f of r.failures) lines.push(`FAILED: ${f}`);
  log(lines.join("\n"));
}

/** Builds the report, prints it, writes it to --json and exits with its code. */
export function reportAndExit(): never {
  const report = buildReport();
  printReport(report);
  if (run.opts.json) writeFileSync(run.opts.json, `${JSON.stringify(report, null, 2)}\n`);
  process.exit(report.exitCode);
}
