/** The cost bench's output: one table row per section, the byte breakdown, the machine. */
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { ROOT } from "../support/children";
import type { AnswerFigures } from "./cost-answers";
import type { ByteFigures } from "./cost-bytes";
import type { IdleFigures, MemoryFigures } from "./cost-crowd";
import type { FloorFigures } from "./cost-floor";
import type { JoinFigures } from "./cost-joins";
import { ms } from "./measure";

export interface Machine {
  nproc: number;
  cpu: string;
  node: string;
  commit: string;
  /** Uncommitted changes in the tree the server was built from. */
  dirty: boolean;
  loadAverage: string;
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

export function machine(): Machine {
  const load = (() => {
    try {
      return execFileSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).split(" ").slice(0, 3).join(" ");
    } catch {
      return "?";
    }
  })();
  return {
    nproc: Number(execFileSync("nproc", { encoding: "utf8" }).trim()) || cpus().length,
    cpu: cpus()[0]?.model ?? "?",
    node: process.version,
    commit: git(["rev-parse", "--short=12", "HEAD"]) || "?",
    dirty: git(["status", "--porcelain", "--untracked-files=no"]) !== "",
    loadAverage: load,
  };
}

export const TABLE_HEAD = "| section | figure | raw figures |\n|---|---|---|";

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "—");
const f0 = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : "—");

export function floorRow(f: FloorFigures): string {
  const cut = f.truncated ? ` (of ${f.messagesPlanned}: budget)` : "";
  return `| floor | ${ms(f.cpuPerMessageMs)} ms CPU per echoed message | bare ws echo, ${f.clients} clients, ${f.messages} messages${cut} of ${f.frameBytes} B ("${f.typicalAnswer}") in ${f1(f.seconds)} s, echo CPU ${f0(f.serverCpuMs)} ms |`;
}

export function answersRow(a: AnswerFigures, floor?: FloorFigures): string {
  const [s, l] = a.runs;
  const ratio = floor ? ` (${f1(a.cpuPerAnswerMs / floor.cpuPerMessageMs)}× the floor)` : "";
  const run = (r: typeof s) => `${r.rounds} rounds: ${r.answers} answers, CPU ${f0(r.cpuMs)} ms (play ${f0(r.playCpuMs)}), ${r.frames} frames`;
  const spread = a.repeats.length > 1 ? `; ${a.repeats.length} pairs of runs, median shown, all: ${a.repeats.map((p) => ms(p.cpuPerAnswerMs)).join(", ")} ms (play only: ${a.repeats.map((p) => ms(p.playCpuPerAnswerMs)).join(", ")})` : "";
  return `| answers | ${ms(a.cpuPerAnswerMs)} ms CPU per answer${ratio}; ${a.framesPerAnswer.toFixed(2)} frames, ${f0(a.bytesPerAnswer)} B sent per answer | ${s.duels} duels at once; ${run(s)}; ${run(l)}; play only (release → last result) ${ms(a.playCpuPerAnswerMs)} ms per answer${spread} |`;
}

export function bytesRow(label: string, b: ByteFigures): string {
  return `| bytes (${label}) | ${f0(b.perRound.bytes)} B received per learner per round (${b.perRound.frames.toFixed(1)} frames) | ${b.learners} learners × ${b.rounds} rounds; pings ${f0(b.controlPerDuel.bytes)} B per duel apart; matchmake answer ${f0(b.matchmake.headers)} B headers + ${f0(b.matchmake.body)} B body; frame sums = socket bytes for ${b.rawCheck.agree}/${b.rawCheck.of} |`;
}

export function memoryRow(m: MemoryFigures): string {
  const g = m.afterGc;
  const gc = g ? `; after a full GC: RSS ${f0(g.baselineRssKB / 1024)} → ${f0(g.loadedRssKB / 1024)} MB (${f1(g.kbPerLearner)} KB per learner), heapUsed ${f1(g.baselineHeapMB)} → ${f1(g.loadedHeapMB)} MB (${f1(g.heapKBPerLearner)} KB per learner; the heap held ${f1(g.heapTotalKBPerLearner)} KB, outside it ${f1(g.externalKBPerLearner)} KB)` : "";
  return `| memory | ${f1(m.kbPerLearner)} KB RSS per connected learner${g ? ` (${f1(g.kbPerLearner)} KB after a full GC)` : ""} | ${m.learners} learners in ${m.learners / 2} duels (seated in ${f1(m.seatSeconds)} s); RSS ${f0(m.baselineRssKB / 1024)} → ${f0(m.loadedRssKB / 1024)} MB${gc} |`;
}

export function idleRow(i: IdleFigures): string {
  return `| idle | ${f1(i.cpuMsPerS)} ms CPU per second for ${i.rooms} waiting rooms (${f1(i.usPerSPerRoom)} µs/s per room above the empty server) | empty server ${f1(i.emptyCpuMsPerS)} ms/s; over ${i.seconds} s each, rooms made in ${f1(i.seatSeconds)} s |`;
}

export function joinsRow(j: JoinFigures): string {
  const p = j.perLearner;
  const cycles = j.all.map((c) => ms(c.total)).join(", ");
  return `| joins | ${ms(p.total)} ms CPU per learner into a duel and out (reserve ${ms(p.reserve)} + take ${ms(p.take)} + leave ${ms(p.leave)}); guest sign-in ${ms(j.signInMs)} ms | ${j.learners} learners, joinOrCreate, ${j.cycles} cycles (median shown; all: ${cycles} ms); empty server ${f1(j.emptyCpuMsPerS)} ms/s |`;
}

/** Per learner per round, by frame code and by message type, raw beside SDK. */
export function byteBreakdown(raw?: ByteFigures, sdk?: ByteFigures): string {
  const cols = [raw, sdk].filter((b): b is ByteFigures => b !== undefined);
  if (cols.length === 0) return "";
  const head = `| per learner per round | ${raw ? "raw colyseus.js | " : ""}${sdk ? "SDK | " : ""}\n|---|${cols.map(() => "---|").join("")}`;
  const keys = (pick: (b: ByteFigures) => Record<string, unknown>) => [...new Set(cols.flatMap((b) => Object.keys(pick(b))))];
  const cell = (t?: { frames: number; bytes: number }) => (t ? `${t.bytes.toFixed(1)} B (${t.frames.toFixed(2)} frames)` : "—");
  const lines = [
    ...keys((b) => b.byCode).map((k) => `| code: ${k} | ${cols.map((b) => cell(b.byCode[k])).join(" | ")} |`),
    ...keys((b) => b.byType).map((k) => `| message: ${k} | ${cols.map((b) => cell(b.byType[k])).join(" | ")} |`),
    `| all data frames | ${cols.map((b) => cell(b.perRound)).join(" | ")} |`,
  ];
  return `\n${head}\n${lines.join("\n")}\n`;
}
