/**
 * The report of a fault-injection run (faults.ts): per fault, how long it lasted, how the
 * cluster came back (time from the fault's end to the first duel formed again, anywhere and
 * on the process that was restarted; the longest stretch with no duel formed; joins that
 * failed or waited > 1 s; sessions cut; the outbox's depth), then the ledger's check
 * (check.ts), the joins overall and the servers' notable log lines.
 */
import { summarize } from "../../support/stats";
import type { CheckResult, Finding, Unseen } from "./check";
import type { FaultSpec } from "./options";
import type { LogLine } from "./GameSlot";
import type { Journal, JoinRecord } from "./Journal";

/** What happened when one fault ran (times on the run's clock, ms). */
export interface FaultRecord {
  spec: FaultSpec;
  start: number;
  /** When the piece was back: process ready, Redis answering PING, proxy accepting. */
  end: number;
  /** The process's port, for kill9/sigterm. */
  port?: number;
  /** sigterm: how long the drain took until the process exited. */
  exitMs?: number;
  /** kill9/sigterm: how long the restarted process took to answer /readyz. */
  readyMs?: number;
  problem?: string;
}

export interface PendingSample {
  t: number;
  /** The cluster's stream length (XLEN), NaN while Redis is away. */
  stream: number;
  /** Each process's /admin/results `pending` (NaN while it does not answer). */
  pending: number[];
}

/** Joins and sessions counted towards a fault: from its start until this long after its end. */
const JOIN_TAIL_MS = 10_000;
const CUT_TAIL_MS = 30_000;
const GAP_TAIL_MS = 20_000;

const s1 = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? "—" : `${(ms / 1000).toFixed(1)} s`);

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

const fmtCounts = (c: Record<string, number>) =>
  Object.entries(c)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} × ${n}`)
    .join(", ") || "none";

/** The fault whose window (start … end + tail) holds `t`, by label, or "no fault". */
export function faultAt(faults: FaultRecord[], t: number, tail = JOIN_TAIL_MS): string {
  return faults.find((f) => t >= f.start && t <= f.end + tail)?.spec.label ?? "no fault";
}

export interface FaultFigures {
  label: string;
  start: number;
  end: number;
  lengthMs: number;
  exitMs?: number;
  readyMs?: number;
  duelsFormedDuring: number;
  firstDuelAfterEndMs?: number;
  firstDuelOnRestartedMs?: number;
  longestGapMs: number;
  joins: number;
  joinsFailed: Record<string, number>;
  joinsOver1s: number;
  joinMaxMs: number;
  cut: Record<string, number>;
  cutAfterStartMs?: { p50: number; max: number };
  pendingBefore: number;
  pendingPeak: number;
  pendingBackMs?: number;
  problem?: string;
}

/** Results waiting cluster-wide: each process's count already holds the stream's length, so the largest. */
function totalPending(s: PendingSample): number {
  return Math.max(0, ...s.pending.filter(Number.isFinite), ...(Number.isFinite(s.stream) ? [s.stream] : []));
}

/** Longest stretch in [from, to] without a duel formed. */
function longestGap(times: number[], from: number, to: number): number {
  let last = from;
  let gap = 0;
  for (const t of times.filter((x) => x > from && x <= to)) {
    gap = Math.max(gap, t - last);
    last = t;
  }
  return Math.max(gap, to - last);
}

export function faultFigures(f: FaultRecord, journal: Journal, samples: PendingSample[]): FaultFigures {
  const formed = journal.formations.map((x) => x.t).sort((a, b) => a - b);
  const after = formed.find((t) => t >= f.end);
  const onRestarted = f.port ? journal.formations.filter((x) => x.port === f.port && x.t >= f.end).map((x) => x.t).sort((a, b) => a - b)[0] : undefined;
  const joins = journal.joins.filter((j) => j.t >= f.start && j.t <= f.end + JOIN_TAIL_MS);
  const cut = journal.cut.filter((c) => c.t >= f.start && c.t <= f.end + CUT_TAIL_MS);
  const cutDelays = summarize(cut.map((c) => c.t - f.start));
  const before = samples.filter((s) => s.t < f.start).slice(-1)[0];
  const pendingBefore = before ? totalPending(before) : 0;
  const windowSamples = samples.filter((s) => s.t >= f.start && s.t <= f.end + 60_000);
  const back = samples.find((s) => s.t >= f.end && totalPending(s) <= pendingBefore + 2 && s.pending.every(Number.isFinite) && Number.isFinite(s.stream));
  return {
    label: f.spec.label,
    start: f.start,
    end: f.end,
    lengthMs: f.end - f.start,
    exitMs: f.exitMs,
    readyMs: f.readyMs,
    duelsFormedDuring: formed.filter((t) => t >= f.start && t < f.end).length,
    firstDuelAfterEndMs: after === undefined ? undefined : after - f.end,
    firstDuelOnRestartedMs: onRestarted === undefined ? undefined : onRestarted - f.end,
    longestGapMs: longestGap(formed, f.start, f.end + GAP_TAIL_MS),
    joins: joins.length,
    joinsFailed: countBy(joins.filter((j) => !j.ok), (j) => `${j.kind} ${j.code}`),
    joinsOver1s: joins.filter((j) => j.ok && j.ms > 1000).length,
    joinMaxMs: Math.max(0, ...joins.map((j) => j.ms)),
    cut: countBy(cut, (c) => c.code),
    cutAfterStartMs: cutDelays ? { p50: cutDelays.p50, max: cutDelays.max } : undefined,
    pendingBefore,
    pendingPeak: Math.max(0, ...windowSamples.map(totalPending)),
    pendingBackMs: back ? back.t - f.end : undefined,
    problem: f.problem,
  };
}

function faultLines(x: FaultFigures): string[] {
  const lines = [
    `  ${x.label}: ${s1(x.start)} → ${s1(x.end)} (${s1(x.lengthMs)})${x.exitMs !== undefined ? `, drained and exited in ${s1(x.exitMs)}` : ""}${x.readyMs !== undefined ? `, restarted and ready in ${s1(x.readyMs)}` : ""}${x.problem ? `  PROBLEM: ${x.problem}` : ""}`,
    `    duels formed during: ${x.duelsFormedDuring}; first after its end: ${s1(x.firstDuelAfterEndMs)}${x.firstDuelOnRestartedMs !== undefined || x.readyMs !== undefined ? `; first on the restarted process: ${s1(x.firstDuelOnRestartedMs)}` : ""}; longest stretch with none formed: ${s1(x.longestGapMs)}`,
    `    joins started (until 10 s after): ${x.joins}, failed: ${fmtCounts(x.joinsFailed)}; ok but > 1 s: ${x.joinsOver1s}; slowest ${s1(x.joinMaxMs)}`,
    `    sessions ended without a result (until 30 s after): ${fmtCounts(x.cut)}${x.cutAfterStartMs ? ` (after the fault's start: p50 ${s1(x.cutAfterStartMs.p50)}, max ${s1(x.cutAfterStartMs.max)})` : ""}`,
    `    results waiting: ${x.pendingBefore} before, peak ${x.pendingPeak}; back to that level ${x.pendingBackMs === undefined ? "— (not within the run)" : `${s1(x.pendingBackMs)} after the end`}`,
  ];
  return lines;
}

/** Slow or failed joins grouped by what they were, why, and the fault active when they started. */
function joinLines(joins: JoinRecord[], faults: FaultRecord[]): string[] {
  const ok = joins.filter((j) => j.ok);
  const byKind = (k: string) => summarize(ok.filter((j) => j.kind === k).map((j) => j.ms));
  const lines = [`  joins: ${joins.length} (${joins.filter((j) => !j.ok).length} failed, ${ok.filter((j) => j.ms > 1000).length} ok but > 1 s)`];
  for (const k of ["duel", "queue", "seat"]) {
    const s = byKind(k);
    if (s) lines.push(`    ${k.padEnd(5)} p50 ${Math.round(s.p50)} ms, p99 ${Math.round(s.p99)} ms, max ${Math.round(s.max)} ms (n=${s.count})`);
  }
  // How long a refusal took to arrive, by code (a refusal should come at once).
  const failed = joins.filter((j) => !j.ok);
  for (const [code, n] of Object.entries(countBy(failed, (j) => j.code ?? "?")).sort((a, b) => b[1] - a[1])) {
    const t = summarize(failed.filter((j) => j.code === code).map((j) => j.ms))!;
    lines.push(`    failed ${code} × ${n}: answered after p50 ${Math.round(t.p50)} ms, max ${Math.round(t.max)} ms`);
  }
  const bad = joins.filter((j) => !j.ok || j.ms > 1000);
  const groups = countBy(bad, (j) => `${j.kind} ${j.ok ? "ok > 1 s" : `failed ${j.code}`} [${faultAt(faults, j.t)}]`);
  for (const [k, n] of Object.entries(groups).sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    const example = bad.find((j) => `${j.kind} ${j.ok ? "ok > 1 s" : `failed ${j.code}`} [${faultAt(faults, j.t)}]` === k)!;
    lines.push(`    ${k} × ${n}  e.g. at ${s1(example.t)} via :${example.via}${example.port ? ` → room on :${example.port}` : ""}, ${Math.round(example.ms)} ms${example.message ? `: ${example.message}` : ""}`);
  }
  return lines;
}

function logLines(lines: LogLine[]): string[] {
  const groups = new Map<string, { n: number; first: number; last: number; ports: Set<number>; level: number }>();
  for (const l of lines) {
    const key = `${l.msg}${l.detail ? `: ${l.detail}` : ""}`.slice(0, 180);
    const g = groups.get(key) ?? { n: 0, first: l.t, last: l.last, ports: new Set<number>(), level: l.level };
    g.n += l.n;
    g.first = Math.min(g.first, l.t);
    g.last = Math.max(g.last, l.last);
    g.ports.add(l.port);
    g.level = Math.max(g.level, l.level);
    groups.set(key, g);
  }
  const name = (level: number) => (level >= 50 ? "ERROR" : level >= 40 ? "warn " : "info ");
  return [...groups.entries()]
    .sort((a, b) => a[1].first - b[1].first)
    .slice(0, 80)
    .map(([k, g]) => `    ${name(g.level)} ${s1(g.first)}${g.n > 1 ? `–${s1(g.last)}` : ""} ×${g.n} on :${[...g.ports].join(",:")}  ${k}`);
}

function findingLines(title: string, items: Finding[]): string[] {
  if (items.length === 0) return [];
  // "still waiting in <where>": how many wait where, before the examples.
  const where = countBy(items.filter((f) => f.why.includes("still waiting in ")), (f) => f.why.split("still waiting in ")[1].replace(/\d+ s ago, \d+×/, "…"));
  return [`  ${title}:`, ...Object.entries(where).map(([w, n]) => `    ${n} in ${w}`), ...items.slice(0, 30).map((f) => `    ${f.userId}${f.matchId ? ` ${f.matchId}` : ""}: ${f.why}`), ...(items.length > 30 ? [`    … and ${items.length - 30} more`] : [])];
}

function unseenLines(items: Unseen[]): string[] {
  if (items.length === 0) return [];
  const byHow = countBy(items, (u) => `session ${u.session}${u.forfeited ? ", forfeited" : ""}`);
  return [`  recorded but never shown: ${items.length} (${items.reduce((n, u) => n + u.xp, 0)} XP): ${fmtCounts(byHow)}`, ...items.slice(0, 10).map((u) => `    ${u.userId} ${u.matchId} at ${s1(u.t)}: ${u.xp} XP, ${u.forfeited ? "forfeited" : "not forfeited"}, session ${u.session}`)];
}

export interface ReportInput {
  header: string[];
  faults: FaultRecord[];
  figures: FaultFigures[];
  journal: Journal;
  check?: CheckResult;
  drain: { ms: number; done: boolean; what: string };
  logs: LogLine[];
  /** Results still waiting at the check, by where (the stream and who holds it, outbox files, dead letters). */
  leftover: Record<string, number>;
  /** "#i :port life n: exited …" for every game process exit. */
  exits: string[];
  problems: string[];
}

export function reportText(r: ReportInput): string {
  const { journal: j, check } = r;
  const out = [...r.header, "", "faults:"];
  for (const x of r.figures) out.push(...faultLines(x));
  out.push("", `duels formed: ${j.formations.length}; sessions ended without a result: ${fmtCounts(countBy(j.cut, (c) => `${c.code} [${faultAt(r.faults, c.t, CUT_TAIL_MS)}]`))}`);
  out.push(...joinLines(j.joins, r.faults));
  const events = countBy(j.events, (e) => `${e.what} ${e.code} [${faultAt(r.faults, e.t, CUT_TAIL_MS)}]`);
  out.push(`  learner events: ${fmtCounts(events)}`);
  out.push("", `drain after play: ${r.drain.done ? "done" : "NOT done"} in ${s1(r.drain.ms)} (${r.drain.what})`);
  if (check) {
    out.push(
      "",
      `ledger: ${check.seen} results seen by ${check.learnersWithResults} learners (${check.seenXp} XP); ${check.duplicateResultMessages} duplicate duel_result messages; ${check.matchesInDb} matches in the database, ${check.matchesPending} not applied`,
      `  LOST ${check.lost.length}   DOUBLED ${check.doubled.length}   XP MISMATCH ${check.mismatch.length}   RECORDED THOUGH CUT ${check.invented.length}   UNRESOLVED ${check.unresolved.length}   dead-lettered ${check.deadLettered.length}   recorded but never shown ${check.unseen.length}`,
      `  left waiting at the check (seen or not): ${fmtCounts(r.leftover)}`,
      ...findingLines("lost", check.lost),
      ...findingLines("unresolved (still waiting when the drain ran out)", check.unresolved),
      ...findingLines("dead-lettered", check.deadLettered),
      ...findingLines("doubled", check.doubled),
      ...findingLines("XP shown ≠ XP recorded", check.mismatch),
      ...unseenLines(check.unseen),
    );
  } else out.push("", "ledger: NOT CHECKED");
  out.push("", "game process exits:", ...r.exits.map((e) => `  ${e}`));
  out.push("", "server log lines (warn/error, and what the cluster, outbox and store said):", ...logLines(r.logs));
  if (r.problems.length > 0) out.push("", "PROBLEMS:", ...r.problems.map((p) => `  ${p}`));
  return out.join("\n");
}

/**
 * Exit code: 1 when a result was lost, doubled, shown with other XP, recorded though cut, or
 * is still unresolved (the check could not tell), or the run itself failed.
 */
export function exitCode(r: ReportInput): number {
  const c = r.check;
  if (!c || r.problems.length > 0 || c.seen === 0) return 1;
  return c.lost.length + c.doubled.length + c.mismatch.length + c.invented.length + c.unresolved.length > 0 ? 1 : 0;
}
