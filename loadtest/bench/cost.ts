/**
 * `npm run bench:cost`: what the game server spends per learner, beside the floor (issue 12).
 * Sections, each a table row (and JSON with --json), one after the other on fresh servers:
 *   floor    a bare ws echo server's CPU per message of an answer's size
 *   answers  the game server's CPU per answer in steady play (30-round minus 2-round duels), and its ratio to the floor
 *   bytes    what a learner receives per round (raw colyseus.js and the SDK), by frame code and message type
 *   memory   RSS per connected learner (N learners seated in duels)
 *   idle     CPU per second of R rooms waiting for an opponent
 *   joins    CPU per learner of each step into a duel and out (sign-in, reservation, seat, leave)
 * The game server runs from the compiled build (as in production) or with --server-cmd tsx.
 * Loopback only; every phase has a count and a time budget; children are killed on exit.
 *   npm run bench:cost
 *   npm run bench:cost -- --only floor,bytes --duels 20 --json /tmp/cost.json
 */
import { writeFileSync } from "node:fs";
import { killAllNow } from "../support/children";
import { runAnswers, type AnswerFigures } from "./cost-answers";
import { runBytes, type ByteFigures } from "./cost-bytes";
import { runIdle, runMemory, type IdleFigures, type MemoryFigures } from "./cost-crowd";
import { runFloor, type FloorFigures } from "./cost-floor";
import { runJoins, type JoinFigures } from "./cost-joins";
import { costOptions, type CostOptions } from "./cost-options";
import { answersRow, byteBreakdown, bytesRow, floorRow, idleRow, joinsRow, machine, memoryRow, TABLE_HEAD } from "./cost-report";
import { serverArgs } from "../harness/servers";
import { BenchServer } from "./cost-server";
import { countRoomSockets } from "./cost-wire";
import { note } from "./measure";

interface Report {
  machine: ReturnType<typeof machine>;
  serverCmd: CostOptions["serverCmd"];
  options: CostOptions;
  floor?: FloorFigures;
  answers?: AnswerFigures & { ratioToFloor?: number };
  bytes?: { raw: ByteFigures; sdk: ByteFigures };
  memory?: MemoryFigures;
  idle?: IdleFigures;
  joins?: JoinFigures;
}

const opts = costOptions(process.argv.slice(2));
BenchServer.extraEnv = opts.serverEnv;
const out = (line: string) => process.stdout.write(`${line}\n`);

/** The whole bench's cap: every phase's budget, plus start-ups, builds and settles. */
function hardCapMs(o: CostOptions): number {
  const phases = { floor: 1, answers: 4 * o.repeats, bytes: 4, memory: 3, idle: 3, joins: 1 + 3 * o.cycles };
  return o.only.reduce((ms, s) => ms + phases[s] * o.budgetMs + 60_000, 60_000);
}

// A signal's default would skip the "exit" hook that kills the servers: exit through it.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(1));

async function main(): Promise<void> {
  const cap = setTimeout(() => {
    process.stderr.write("bench:cost: stopped at its time cap\n");
    killAllNow();
    process.exit(1);
  }, hardCapMs(opts));
  cap.unref();
  const m = machine();
  const report: Report = { machine: m, serverCmd: opts.serverCmd, options: opts };
  out(`bench:cost — ${m.nproc} × ${m.cpu}, Node ${m.node}, commit ${m.commit}${m.dirty ? " (uncommitted changes)" : ""}, load ${m.loadAverage}; server: ${opts.serverCmd === "build" ? "compiled build (node)" : "tsx"}`);
  out(TABLE_HEAD);
  countRoomSockets();
  const needsServer = opts.only.some((s) => s !== "floor");
  // Built before the first section (harness/servers.ts: one folder per run, removed on exit).
  if (needsServer && opts.serverCmd === "build") await serverArgs("js");
  for (const section of opts.only) {
    note(`${section} …`);
    switch (section) {
      case "floor":
        report.floor = await runFloor(opts.clients, opts.messages, opts.budgetMs);
        out(floorRow(report.floor));
        break;
      case "answers": {
        const a = await runAnswers(opts.serverCmd, opts.duels, opts.repeats, opts.concurrency, opts.budgetMs);
        report.answers = { ...a, ratioToFloor: report.floor ? a.cpuPerAnswerMs / report.floor.cpuPerMessageMs : undefined };
        out(answersRow(a, report.floor));
        break;
      }
      case "bytes":
        report.bytes = await runBytes(opts.serverCmd, opts.duels, opts.concurrency, opts.budgetMs);
        out(bytesRow("raw colyseus.js", report.bytes.raw));
        out(bytesRow("SDK", report.bytes.sdk));
        break;
      case "memory":
        report.memory = await runMemory(opts.serverCmd, opts.learners, opts.concurrency, opts.budgetMs);
        out(memoryRow(report.memory));
        break;
      case "idle":
        report.idle = await runIdle(opts.serverCmd, opts.rooms, opts.idleSeconds, opts.concurrency, opts.budgetMs);
        out(idleRow(report.idle));
        break;
      case "joins":
        report.joins = await runJoins(opts.serverCmd, opts.joiners, opts.cycles, opts.concurrency, opts.budgetMs);
        out(joinsRow(report.joins));
        break;
    }
  }
  if (report.bytes) out(byteBreakdown(report.bytes.raw, report.bytes.sdk));
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench:cost: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
