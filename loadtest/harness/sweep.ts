/**
 * `npm run loadtest:sweep`: the load harness (harness.ts) run several times in a row at
 * increasing bot counts, then one table and one chart of them all.
 *
 *   npm run loadtest:sweep -- --bots 500,1000,2000 --out DIR [any other harness flag]…
 *
 * Every flag but --bots and --out goes to each run as it is (--duration, --fast, --servers,
 * --lean, …), checked once by the harness's own option reader before anything starts; each run
 * writes its JSON report to DIR/run-<bots>.json (so --json is the sweep's). Then DIR gets
 * loadtest-sweep.md (the table), loadtest-sweep.svg (CCU against answer→patch p50/p99 and server
 * CPU, the 50 ms line marked) and loadtest-sweep.json (the rows).
 *
 * Bounded: at most MAX_RUNS runs, one at a time; each stops by itself (the harness's own
 * deadline) and is killed if it outlives that. A failed run is shown in the table and the sweep
 * goes on; a usage error (exit 2) or a signal stops it. Exit code 0 when every run passed, 1
 * otherwise, 2 on a usage error.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseOrExit, UsageError } from "../support/args";
import { exitWithin, ROOT, track } from "../support/children";
import { parseOptions } from "./options";
import type { Report } from "./report";
import { rowOf, sweepChart, sweepTable, type SweepRow } from "./sweep-table";

const MAX_RUNS = 8;
/** The harness kills itself 60 + duration + 45 s after its start; past this much more, the sweep does. */
const RUN_SLACK_S = 60 + 45 + 30;

const USAGE = `usage: npm run loadtest:sweep -- --bots N,N,… --out DIR [harness flags…]
  runs \`npm run loadtest -- <harness flags> --bots N --json DIR/run-N.json\` for each N (at most ${MAX_RUNS}),
  then writes DIR/loadtest-sweep.md, DIR/loadtest-sweep.svg and DIR/loadtest-sweep.json
  (harness flags: npm run loadtest -- --help)`;

interface SweepOptions {
  bots: number[];
  out: string;
  /** The flags every run gets. */
  passThrough: string[];
  /** Each run's --duration (the harness's default when not given), for its time limit. */
  durationS: number;
}

/** Takes --bots and --out (as `--flag value` or `--flag=value`) out of argv; the rest goes to the harness. */
function parseSweep(argv: string[]): SweepOptions {
  const own: Record<string, string> = {};
  const passThrough: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === "--help" || flag === "-h") throw new UsageError("", true);
    if (flag === "--json") throw new UsageError("--json is the sweep's: each run writes DIR/run-<bots>.json");
    if (flag !== "--bots" && flag !== "--out") {
      passThrough.push(argv[i]);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    own[flag.slice(2)] = value;
  }
  if (!own.out) throw new UsageError("--out DIR is required (where the reports, the table and the chart go)");
  const bots = (own.bots ?? "500,1000,2000").split(",").map((b) => b.trim());
  if (bots.length > MAX_RUNS) throw new UsageError(`--bots: at most ${MAX_RUNS} runs (got ${bots.length})`);
  // The harness's own reader checks every count and every other flag, once, before any run.
  const checked = bots.map((b) => parseOptions([...passThrough, "--bots", b]));
  return { bots: checked.map((o) => o.bots), out: path.resolve(own.out), passThrough, durationS: checked[0].durationS };
}

let stopping = false;
let current: ReturnType<typeof spawn> | undefined;

/** One harness run; resolves with its exit code (null if it had to be killed). */
async function runOnce(opts: SweepOptions, bots: number, json: string): Promise<number | null> {
  const args = ["--import", "tsx", path.join("loadtest", "harness", "harness.ts"), ...opts.passThrough, "--bots", String(bots), "--json", json];
  process.stdout.write(`\nsweep: run ${bots} bots: npm run loadtest -- ${args.slice(3).join(" ")}\n`);
  const child = track(spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] }));
  current = child;
  const limitMs = (opts.durationS + RUN_SLACK_S) * 1000;
  if (!(await exitWithin(child, limitMs))) {
    process.stderr.write(`sweep: the ${bots}-bot run outlived ${limitMs / 1000} s: stopping it\n`);
    child.kill("SIGTERM");
    if (!(await exitWithin(child, 20_000))) child.kill("SIGKILL");
    await exitWithin(child, 5000);
  }
  current = undefined;
  return child.exitCode;
}

function readReport(file: string): Report | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Report;
  } catch {
    return undefined;
  }
}

/** The table, the chart and the rows, into DIR. */
function writeOutputs(opts: SweepOptions, rows: SweepRow[]): void {
  const command = `npm run loadtest:sweep -- ${process.argv.slice(2).join(" ")}`;
  const title = `LinguaLeap load sweep: ${rows.map((r) => r.bots).join(", ")} bots${opts.passThrough.length ? ` (${opts.passThrough.join(" ")})` : ""}`;
  writeFileSync(path.join(opts.out, "loadtest-sweep.md"), sweepTable(rows, command));
  writeFileSync(path.join(opts.out, "loadtest-sweep.svg"), sweepChart(rows, title));
  writeFileSync(path.join(opts.out, "loadtest-sweep.json"), `${JSON.stringify({ command, date: new Date().toISOString(), rows }, null, 2)}\n`);
  process.stdout.write(`\n${sweepTable(rows, command)}\nsweep: wrote ${["loadtest-sweep.md", "loadtest-sweep.svg", "loadtest-sweep.json"].map((f) => path.join(opts.out, f)).join(", ")}\n`);
}

async function main(): Promise<void> {
  const opts = parseOrExit("loadtest:sweep", USAGE, () => parseSweep(process.argv.slice(2)));
  mkdirSync(opts.out, { recursive: true });
  // Ctrl-C reaches the run too (same process group): it stops and reports; the sweep then
  // stops. A SIGTERM sent to the sweep alone is passed on.
  process.on("SIGINT", () => (stopping = true));
  process.on("SIGTERM", () => {
    stopping = true;
    current?.kill("SIGTERM");
  });
  const rows: SweepRow[] = [];
  for (const bots of opts.bots) {
    if (stopping) break;
    const json = path.join(opts.out, `run-${bots}.json`);
    rmSync(json, { force: true }); // a report left by an earlier sweep is not this run's
    const code = await runOnce(opts, bots, json);
    if (code === 2) {
      process.stderr.write("sweep: the harness refused its command line (exit 2): stopping\n");
      process.exit(2);
    }
    rows.push(rowOf(bots, code, readReport(json)));
  }
  writeOutputs(opts, rows);
  process.exit(rows.length === opts.bots.length && rows.every((r) => r.ok) ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`loadtest:sweep: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
