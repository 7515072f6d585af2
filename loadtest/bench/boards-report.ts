/** The boards bench's figures on stdout: what was run, the start-up, memory and one table of the timed phases. */
import os from "node:os";
import type { BoardsOptions } from "./boards-options";
import type { RebuildFigures } from "./boards-rebuild";
import type { SeedFigures } from "./boards-seed";
import type { RecordFigures, ResultsTimed, Timed, WrittenCheck } from "./boards-steps";

export interface BoardsFigures {
  opts: BoardsOptions;
  store: string;
  redis: string;
  seed: SeedFigures;
  rebuild: RebuildFigures;
  memory: { before: number; afterRebuild: number; afterResults?: number; zset: number; names: number };
  queries: Timed[];
  results?: ResultsTimed;
  written?: WrittenCheck;
  record?: RecordFigures;
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "—");
const f2 = (v: number) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(2)) : "—");
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const count = (p: Timed) => (p.truncated ? `${p.done}/${p.planned}*` : `${p.done}`);

function phaseTable(phases: Timed[]): string {
  const head = ["phase", "in flight", "done", "per s", "p50 / p95 / p99 / max ms", "CPU ms per op: server", "Redis", "FerretDB", "load generator", "machine CPU"];
  const rows = phases.map((p) => [
    p.label,
    String(p.concurrency),
    count(p),
    p.perSecond.toFixed(0),
    `${f2(p.latency.p50)} / ${f2(p.latency.p95)} / **${f2(p.latency.p99)}** / ${f2(p.latency.max)}`,
    f2(p.serverCpuMs / p.done),
    p.redisCpuMs === undefined ? "—" : f2(p.redisCpuMs / p.done),
    p.mongoCpuMs === undefined ? "—" : f2(p.mongoCpuMs / p.done),
    f2(p.clientCpuMs / p.done),
    `${p.machinePercent.toFixed(0)} %`,
  ]);
  const lines = [head, ...rows].map((cells) => `| ${cells.join(" | ")} |`);
  lines.splice(1, 0, `|${head.map(() => "---").join("|")}|`);
  return lines.join("\n");
}

export function report(x: BoardsFigures): string {
  const n = x.seed.learners;
  const { memory: m, rebuild: r } = x;
  const perLearner = (m.afterRebuild - m.before) / n;
  const lines = [
    "",
    `Boards on Redis sorted sets: ${n.toLocaleString("en")} learners, store ${x.store}, Redis ${x.redis}; node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}`,
    "",
    `seeding        ${(x.seed.ms / 1000).toFixed(1)} s for ${x.seed.docs.toLocaleString("en")} documents (${(x.seed.docs / (x.seed.ms / 1000)).toFixed(0)} docs/s, ${(n / (x.seed.ms / 1000)).toFixed(0)} learners/s): ${x.seed.how}`,
    `start-up       spawn → /readyz ${f1(r.readyzMs / 1000)} s; spawn → global board ready in Redis ${f1(r.readyMs / 1000)} s`,
    `rebuild        by the server: ${r.rows.toLocaleString("en")} rows from the MongoDB cursor in ${f1(r.rebuildMs / 1000)} s (${(r.rows / (r.rebuildMs / 1000)).toFixed(0)} rows/s${x.opts.serverLog === "info" ? ", its log line" : ", timed from the spawn (LOG_LEVEL warn)"}); ZCARD ${r.zcard.toLocaleString("en")}`,
    `Redis memory   used_memory ${mb(m.before)} → ${mb(m.afterRebuild)} after the rebuild: ${perLearner.toFixed(0)} B per learner (MEMORY USAGE: sorted set ${mb(m.zset)}, names hash ${mb(m.names)})` +
      (m.afterResults === undefined ? "" : `; ${mb(m.afterResults)} after the results (four more boards for the learners they wrote)`),
    "",
    phaseTable([...x.queries, ...(x.results ? [{ ...x.results, label: `results (${x.results.writers} writer${x.results.writers > 1 ? "s" : ""})` }] : [])]),
  ];
  lines.push(`\nCPU per operation from /proc (the load generator: this process for the queries, the writer processes for the results); machine CPU: busy, in % of one CPU (${os.cpus().length} CPUs = ${100 * os.cpus().length} %)`);
  if (x.queries.concat(x.results ?? []).some((p) => p.truncated)) lines.push("* stopped early: the phase reached --budget-s");
  if (x.written) lines.push("", `checked        the API's top 10 and the around-me rows of ${x.written.learners} of the ${x.written.written.toLocaleString("en")} learners the results wrote (ranks recomputed over all ${n.toLocaleString("en")}), and their rows on es, global and es this week, rating-es (score and version) in Redis`);
  if (x.record) {
    const rec = x.record;
    const lat = rec.latency ? `p50 ${f1(rec.latency.p50 / 1000)} s, max ${f1(rec.latency.max / 1000)} s` : "—";
    lines.push(`recordMatch    ${rec.done}/${rec.planned} full results on ${x.store} (one at a time): ${lat}` + (rec.cutAfterMs === undefined ? "" : `; call ${rec.done + 1} still running after ${f1(rec.cutAfterMs / 1000)} s when --record-budget-s ran out`) +
        (rec.error ? `; call ${rec.done + 1} FAILED after ${f1(rec.error.afterMs / 1000)} s: ${rec.error.message}` : ""));
  }
  return lines.join("\n");
}
