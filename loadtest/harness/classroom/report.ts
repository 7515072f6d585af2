/**
 * The end of a classroom run: its report from what the shards measured, printed and
 * optionally written as JSON (--json), and the exit code (0 only when every game reached its
 * podium, every phone joined and saw it, and errors stayed within --max-errors).
 */
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import type Redis from "ioredis";
import type { FerretDbProcess } from "../../support/ferretdb-process";
import { formatSummary, summarize, type Summary } from "../../support/stats";
import type { Tally } from "../../bench/cost-wire";
import { cpuPercent, CLK_TCK, machine, readProc, round1, type MachineFigures, type ProcFigures, type ProcWatch } from "../procs";

type ProcSample = NonNullable<ReturnType<typeof readProc>>;
import { log } from "../run";
import type { ClusterStore, ServerProc } from "../servers";
import type { ClassMetrics, GameOutcome, SocketBytes } from "./class-game-bots";
import type { ClassTick, FromClassShard } from "./class-shard";
import { wantsClassroom, type ClassroomOptions } from "./options";

export interface ShardState {
  index: number;
  child: ChildProcess;
  watch: ProcWatch;
  /** Games it plays. */
  games: number;
  last?: ClassTick;
  final?: Extract<FromClassShard, { type: "final" }>;
  ready: Promise<void>;
}

/** The run's state, shared by classroom.ts (which drives it) and the report. */
export interface ClassRun {
  opts: ClassroomOptions;
  servers: ServerProc[];
  shards: ShardState[];
  failures: string[];
  /** answer→patch samples since the last progress line. */
  answerPatchRecent: number[];
  stoppedBy?: string;
  /** A signal asked the run to stop. */
  stopBy?: string;
  startedAt?: number;
  endedAt?: number;
  /** Each server's CPU when every game had started (the joins are over), and at the end. */
  playFrom?: (ProcSample | undefined)[];
  playTo?: (ProcSample | undefined)[];
  redis?: Redis;
  ferret?: FerretDbProcess;
  store?: ClusterStore;
  outboxDir?: string;
}

/** Bytes one socket receives per round: its spread over sockets, and the mean of each frame kind. */
export interface PerRound {
  sockets: number;
  bytes: Summary | null;
  frames: Summary | null;
  /** Mean bytes and frames per socket per round, by frame code. */
  byCode: Record<string, Tally>;
  /** Mean bytes a socket received before the start (upgrade, join, full state, lobby patches). */
  lobbyBytesMean: number;
}

export interface ClassReport {
  ok: boolean;
  exitCode: number;
  failures: string[];
  stoppedBy: string;
  date: string;
  command: string;
  machine: { nproc: number; cpu: string; node: string; loadavg: number[] };
  machineCpu?: MachineFigures;
  options: ClassroomOptions;
  durationS: number;
  games: { planned: number; created: number; started: number; finished: number; reports: number };
  players: { planned: number; joined: number; onPodium: number };
  answers: { sent: number; meantRight: number; accepted: number };
  latencyMs: { answerPatch: Summary | null; join: Summary | null; joinGuest: Summary | null; joinSeat: Summary | null; joinSocket: Summary | null };
  bytesPerRound: { phone: PerRound; host: PerRound };
  /**
   * The servers' CPU time: the whole run; the joins (until every game had started) per phone
   * joined; the play (from then to the end) per answer, with its mean CPU % (100 = one core).
   */
  serverCpu: { totalMs: number; joinsMs: number; perJoinMs: number; playMs: number; playS: number; playPercentMean: number; perAnswerMs: number };
  servers: ({ endpoint: string; logWarn: number; logError: number; logMessages: Record<string, number> } & ProcFigures)[];
  loadGenerator: (ProcFigures & { shard: number; games: number; maxLoopDelayP99Ms: number })[];
  errors: Record<string, number>;
  errorExamples: Record<string, string>;
  gameFailures: string[];
}

function perRound(sockets: SocketBytes[]): PerRound {
  const byCode: Record<string, Tally> = {};
  const rounds = sockets.reduce((n, s) => n + s.rounds, 0);
  for (const s of sockets) {
    for (const [code, t] of Object.entries(s.byCode)) {
      const into = (byCode[code] ??= { frames: 0, bytes: 0 });
      into.frames += t.frames;
      into.bytes += t.bytes;
    }
  }
  for (const t of Object.values(byCode)) [t.frames, t.bytes] = [round1(t.frames / rounds), round1(t.bytes / rounds)];
  return {
    sockets: sockets.length,
    bytes: summarize(sockets.map((s) => s.game / s.rounds)),
    frames: summarize(sockets.map((s) => s.gameFrames / s.rounds)),
    byCode,
    lobbyBytesMean: sockets.length ? Math.round(sockets.reduce((n, s) => n + s.lobby, 0) / sockets.length) : 0,
  };
}

/** The shards' figures merged. */
function merged(run: ClassRun): { games: GameOutcome[]; m: ClassMetrics; maxLag: Map<number, number> } {
  const m = { answerPatch: [], join: [], joinSteps: { guest: [], seat: [], socket: [] }, phones: [], hosts: [], answers: { sent: 0, meantRight: 0, accepted: 0 }, errors: {}, examples: {}, ccu: 0 } as unknown as ClassMetrics;
  const games: GameOutcome[] = [];
  const maxLag = new Map<number, number>();
  for (const p of run.shards) {
    const f = p.final;
    if (!f) continue;
    games.push(...f.games);
    maxLag.set(p.index, f.maxLoopDelayP99Ms);
    m.answerPatch.push(...f.metrics.answerPatch);
    m.join.push(...f.metrics.join);
    for (const k of ["guest", "seat", "socket"] as const) m.joinSteps[k].push(...f.metrics.joinSteps[k]);
    m.phones.push(...f.metrics.phones);
    m.hosts.push(...f.metrics.hosts);
    for (const k of ["sent", "meantRight", "accepted"] as const) m.answers[k] += f.metrics.answers[k];
    for (const [code, n] of Object.entries(f.metrics.errors)) m.errors[code] = (m.errors[code] ?? 0) + n;
    for (const [code, text] of Object.entries(f.metrics.examples)) m.examples[code] ??= text;
  }
  return { games, m, maxLag };
}

export function buildReport(run: ClassRun): ClassReport {
  const o = run.opts;
  const { games, m, maxLag } = merged(run);
  const count = (k: keyof GameOutcome) => games.filter((g) => g[k]).length;
  const errorCount = Object.values(m.errors).reduce((a, b) => a + b, 0);
  const joined = games.reduce((n, g) => n + g.joined, 0);
  const onPodium = games.reduce((n, g) => n + g.podiums, 0);
  const failures = [...run.failures];
  const finished = count("finished");
  if (run.startedAt !== undefined) {
    if (finished < o.games) failures.push(`${o.games - finished} of ${o.games} games did not reach their podium`);
    if (joined < o.games * o.players) failures.push(`${o.games * o.players - joined} of ${o.games * o.players} phones could not join`);
    if (onPodium < joined) failures.push(`${joined - onPodium} of ${joined} phones that joined did not see the podium`);
  }
  if (errorCount > o.maxErrors) failures.push(`${errorCount} errors (more than --max-errors ${o.maxErrors})`);
  const servers = run.servers.map((s) => ({ endpoint: s.http, ...s.watch.figures(), logWarn: s.logWarn, logError: s.logError, logMessages: s.logMessages }));
  const cpuTotal = servers.reduce((n, s) => n + (Number.isFinite(s.cpuMs) ? s.cpuMs : 0), 0);
  const exitCode = failures.length > 0 ? 1 : 0;
  return {
    ok: exitCode === 0,
    exitCode,
    failures,
    stoppedBy: run.stoppedBy ?? "not started",
    date: new Date().toISOString(),
    command: `npm run loadtest -- ${wantsClassroom(process.argv.slice(2)) ? "" : "--scenario classroom "}${process.argv.slice(2).join(" ")}`,
    machine: { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? "?", node: process.version, loadavg: os.loadavg().map(round1) },
    machineCpu: machine.figures(),
    options: o,
    durationS: run.startedAt === undefined ? 0 : round1(((run.endedAt ?? performance.now()) - run.startedAt) / 1000),
    games: { planned: o.games, created: count("created"), started: count("started"), finished, reports: count("report") },
    players: { planned: o.games * o.players, joined, onPodium },
    answers: m.answers,
    latencyMs: { answerPatch: summarize(m.answerPatch), join: summarize(m.join), joinGuest: summarize(m.joinSteps.guest), joinSeat: summarize(m.joinSteps.seat), joinSocket: summarize(m.joinSteps.socket) },
    bytesPerRound: { phone: perRound(m.phones), host: perRound(m.hosts) },
    serverCpu: serverCpu(run, cpuTotal, joined, m.answers.sent),
    servers,
    loadGenerator: run.shards.map((p) => ({ shard: p.index, games: p.games, ...p.watch.figures(), maxLoopDelayP99Ms: maxLag.get(p.index) ?? NaN })),
    errors: m.errors,
    errorExamples: m.examples,
    gameFailures: games.filter((g) => g.failure).map((g) => `game ${g.game}: ${g.failure}`),
  };
}

/** A CPU %, or "—" for a run shorter than the window. */
const pct = (v: number) => (Number.isFinite(v) ? `${v}%` : "— (run under 5 s)");

/** Splits the servers' CPU time at the moment every game had started. */
function serverCpu(run: ClassRun, totalMs: number, joined: number, answers: number): ClassReport["serverCpu"] {
  const from = run.playFrom ?? [];
  const to = run.playTo ?? [];
  let playMs = 0;
  let percent = 0;
  let playS = 0;
  from.forEach((a, i) => {
    const b = to[i];
    if (!a || !b) return;
    playMs += ((b.cpuTicks - a.cpuTicks) / CLK_TCK) * 1000;
    percent += cpuPercent(a, b);
    playS = (b.at - a.at) / 1000;
  });
  const per = (ms: number, n: number) => (n > 0 ? Math.round((ms / n) * 1000) / 1000 : NaN);
  const joinsMs = from.length ? totalMs - playMs : NaN;
  return { totalMs, joinsMs: Math.round(joinsMs), perJoinMs: per(joinsMs, joined), playMs: Math.round(playMs), playS: round1(playS), playPercentMean: round1(percent), perAnswerMs: per(playMs, answers) };
}

function counts(c: Record<string, number>): string {
  const entries = Object.entries(c).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? "none" : entries.map(([code, n]) => `${code} ${n}`).join(", ");
}

function bytesLine(label: string, p: PerRound): string {
  const kinds = Object.entries(p.byCode).filter(([, t]) => t.frames > 0).map(([code, t]) => `${code} ${t.frames}×/${t.bytes} B`).join(", ");
  return `${label} ${p.bytes ? `mean ${p.bytes.mean} B, p50 ${p.bytes.p50}, max ${p.bytes.max}` : "—"}; ${p.frames ? `${p.frames.mean} frames` : "—"} (${kinds || "—"}); lobby ${p.lobbyBytesMean} B (n=${p.sockets})`;
}

function lines(r: ClassReport): string[] {
  const o = r.options;
  const c = r.serverCpu;
  const out = [
    "",
    `── LinguaLeap classroom: ${r.ok ? "OK" : "FAILED"} ──`,
    `${o.games} games × ${o.players} players × ${o.rounds} rounds, ${o.lang}/${o.mode}/${o.direction}, accuracy ${o.accuracy}, think ${o.thinkMs} ms, ${o.auto ? "auto-advance" : `host next after ${o.revealMs} ms`}${o.fast ? ", --fast" : ""}, ramp ${o.rampS} s`,
    `duration         ${r.durationS} s (stopped by: ${r.stoppedBy})`,
    `games            ${r.games.finished} finished / ${r.games.started} started / ${r.games.created} created of ${r.games.planned}; class reports ${r.games.reports}`,
    `players          ${r.players.joined} joined of ${r.players.planned}, ${r.players.onPodium} saw the podium`,
    `answers          ${r.answers.sent} sent (${r.answers.meantRight} meant right), ${r.answers.accepted} accepted`,
    `answer→patch     p50/p95/p99/max ${formatSummary(r.latencyMs.answerPatch)}`,
    `join             p50/p95/p99/max ${formatSummary(r.latencyMs.join)}   (guest + PIN + seat + WebSocket)`,
    `  its steps p50/p99: guest ${formatSummary(r.latencyMs.joinGuest, ["p50", "p99"])}, seat ${formatSummary(r.latencyMs.joinSeat, ["p50", "p99"])}, WebSocket + join ${formatSummary(r.latencyMs.joinSocket, ["p50", "p99"])}`,
    bytesLine("bytes/phone/round", r.bytesPerRound.phone),
    bytesLine("bytes/host/round ", r.bytesPerRound.host),
    `server cpu time  ${c.totalMs} ms: joins ${c.joinsMs} ms (${c.perJoinMs} ms per phone), play ${c.playMs} ms over ${c.playS} s (mean ${c.playPercentMean}% of a core, ${c.perAnswerMs} ms per answer)`,
    `errors           ${counts(r.errors)}`,
  ];
  for (const [code, text] of Object.entries(r.errorExamples)) out.push(`  ${code}: ${text.split("\n")[0]}`);
  for (const f of r.gameFailures.slice(0, 10)) out.push(`  ${f}`);
  for (const s of r.servers) {
    out.push(`server ${s.endpoint} pid ${s.pid}: cpu mean ${s.cpuPercentMean}% (busiest 5 s ${pct(s.cpuPercentBusiest5s)}, ${s.cpuMs} ms in all), rss ${s.rssMB} MB (peak ${s.peakRssMB} MB), log warn ${s.logWarn} error ${s.logError}`);
    for (const [text, n] of Object.entries(s.logMessages)) out.push(`  ${n}× ${text}`);
  }
  for (const g of r.loadGenerator) out.push(`shard ${g.shard} pid ${g.pid}: ${g.games} games, cpu mean ${g.cpuPercentMean}% (busiest 5 s ${pct(g.cpuPercentBusiest5s)}), rss ${g.rssMB} MB, event-loop delay p99 max ${g.maxLoopDelayP99Ms} ms`);
  out.push(`machine          ${r.machine.nproc} CPUs (${r.machine.cpu}), node ${r.machine.node}, load ${r.machine.loadavg.join(" ")}`);
  const mc = r.machineCpu;
  if (mc) out.push(`machine cpu      mean ${mc.cpuPercentMean}% of ${r.machine.nproc * 100}% (busiest 5 s ${pct(mc.cpuPercentBusiest5s)}), steal ${mc.stealPercentMean}%`);
  for (const f of r.failures) out.push(`FAILED: ${f}`);
  return out;
}

/** Builds the report, prints it, writes --json and exits with its code. */
export function printAndExit(run: ClassRun): never {
  const report = buildReport(run);
  log(lines(report).join("\n"));
  if (run.opts.json) writeFileSync(run.opts.json, `${JSON.stringify(report, null, 2)}\n`);
  process.exit(report.exitCode);
}
