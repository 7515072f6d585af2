/**
 * Fault-injection run (issue 10): a small cluster on loopback is put under learners and broken
 * on a schedule, and every result a learner was shown is checked against MongoDB afterwards.
 *
 *   npm run loadtest:faults -- [--servers 3] [--learners 120] [--scenario mixed|casual|ranked]
 *     [--duration 270] [--drain 60] [--faults "kill9@15/1,sigterm@45/0,redis@80+25,mongo@120+20"]
 *     [--think 1500] [--rest 60000] [--accuracy 0.8] [--rounds 3] [--server-env KEY=VALUE]…
 *     [--log-level info] [--json FILE] [--keep-logs]
 *
 * It starts its own pieces (infra.ts, GameSlot.ts): a redis-server on a free port with AOF in a
 * temporary directory, FerretDB behind a TCP proxy, and N game processes on fixed ports
 * (REDIS_URL, MONGODB_URL through the proxy, SINGLE_ADDRESS_LIMITS, short phases, a drain grace
 * longer than a duel, ADMIN_USER/ADMIN_PASSWORD for /admin/results). Learners
 * (FaultLearner.ts) sign in as guests and play duels in a loop, half casual and half ranked
 * by default, writing into the journal (Journal.ts) every result they see. The faults
 * run one at a time; afterwards learners finish their duels, the run waits (bounded) until
 * nothing is pending (the stream, every process's /admin/results, `matches` not applied) and
 * checks the ledger against the database (check.ts), then reports (report.ts).
 *
 * Bounded: play lasts --duration minus start-up, wind-down, drain and check; the whole run is
 * killed 15 s past --duration at the latest (exit 1). Everything it started is stopped at the
 * end, on SIGINT/SIGTERM (a second one kills at once), and on a crash (support/children.ts).
 * Exit 0 when nothing was lost, doubled or left unresolved; 1 otherwise or when the run failed; 2 on a usage error.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Redis from "ioredis";
import { preloadAnswers } from "../../learner/answers";
import { parseOrExit } from "../../support/args";
import { killAllNow, ROOT } from "../../support/children";
import { checkLedger, type CheckResult } from "./check";
import { gameEnv, GameSlot } from "./GameSlot";
import { clock, OwnMongo, OwnRedis } from "./infra";
import { FaultLearner } from "./FaultLearner";
import { Journal } from "./Journal";
import { parseFaultOptions, playSeconds, RESERVED_S, USAGE } from "./options";
import { drain, sampleOutbox, waitingResults } from "./outbox";
import { exitCode, faultFigures, reportText, type ReportInput } from "./report";
import { DB_NAME, interruptible, log, sleep, type Run } from "./run";
import { runSchedule } from "./schedule";
import { freePort } from "../../support/ports";

// ─── pieces ─────────────────────────────────────────────────────────────────────────────

async function startPieces(run: Run): Promise<void> {
  const dirs = { redis: path.join(run.tmp, "redis"), data: path.join(run.tmp, "data"), logs: path.join(run.tmp, "logs") };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const [redis, mongo] = await Promise.all([OwnRedis.start(dirs.redis, path.join(dirs.logs, "redis.log")), OwnMongo.start()]);
  run.redis = redis;
  run.mongo = mongo;
  const shared = {
    redisUrl: redis.url, mongoUrl: mongo.proxiedUrl, jwtSecret: randomBytes(32).toString("hex"), admin: run.admin,
    dataDir: dirs.data, rounds: run.opts.rounds, logLevel: run.opts.logLevel, serverEnv: run.opts.serverEnv,
  };
  const ports = new Set<number>();
  while (ports.size < run.opts.servers) ports.add(await freePort());
  run.slots = [...ports].map((port, i) => new GameSlot(i, port, gameEnv(shared, port), path.join(dirs.logs, `game-${i}-${port}.log`)));
  const ready = await Promise.all(run.slots.map((s) => s.start()));
  run.watcher = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 1000, retryStrategy: () => 500 });
  run.watcher.on("error", () => undefined);
  await run.watcher.connect().catch(() => undefined);
  log(`redis-server :${redis.port} (AOF in ${dirs.redis}); FerretDB ${mongo.directUrl} behind proxy ${mongo.proxiedUrl}`);
  log(`game processes: ${run.slots.map((s, i) => `#${i} :${s.port} (ready in ${(ready[i] / 1000).toFixed(1)} s)`).join(", ")}; logs in ${dirs.logs}`);
}

// ─── faults ─────────────────────────────────────────────────────────────────────────────

// ─── learners, drain, check ─────────────────────────────────────────────────────────────

function startLearners(run: Run): Promise<void>[] {
  const endpoints = run.slots.map((s) => s.http);
  const { learners, scenario, accuracy, thinkMs, restMs } = run.opts;
  return Array.from({ length: learners }, async (_, index) => {
    await sleep((index / learners) * 5000); // a 5 s ramp
    const learner = new FaultLearner(
      { index, endpoints, scenario: scenario === "mixed" ? (index % 2 === 0 ? "casual" : "ranked") : scenario, accuracy, thinkMs, restMs },
      run.journal,
      run.windDown.signal,
      run.stop.signal,
    );
    run.learners.push(learner);
    await learner.run();
  });
}

/** Progress every 10 s: duels formed, results seen, joins failed, what waits. */
function progress(run: Run): NodeJS.Timeout {
  return setInterval(() => {
    const j = run.journal;
    const last = run.samples[run.samples.length - 1];
    const waiting = last ? `stream ${Number.isFinite(last.stream) ? last.stream : "—"}, pending ${last.pending.map((p) => (Number.isFinite(p) ? p : "—")).join("+")}` : "—";
    log(`duels formed ${j.formations.length}, results seen ${j.results.length}, joins ${j.joins.length} (${j.joins.filter((x) => !x.ok).length} failed, ${j.joins.filter((x) => x.ok && x.ms > 1000).length} > 1 s), cut ${j.cut.length} | waiting: ${waiting} | up: ${run.slots.map((s) => (s.up ? "✓" : "✗")).join("")}${run.redis?.running ? " redis✓" : " redis✗"}`);
  }, 10_000);
}

/** Wind-down (finish running duels), stop (leave whatever is left): both bounded. */
async function stopLearners(run: Run, running: Promise<void>[]): Promise<void> {
  run.windDown.abort();
  const all = Promise.allSettled(running);
  const finished = await Promise.race([all.then(() => true), sleep(RESERVED_S.windDown * 1000).then(() => false)]);
  if (!finished) {
    log(`wind-down: learners still in a duel after ${RESERVED_S.windDown} s: leaving`);
    run.stop.abort();
    await Promise.race([all, sleep(10_000)]);
  }
  run.stop.abort();
}

async function cleanUp(run: Run): Promise<void> {
  run.windDown.abort();
  run.stop.abort();
  await Promise.allSettled(run.slots.map((s) => s.stop()));
  run.watcher?.disconnect();
  await run.redis?.stop().catch(() => undefined);
  await run.mongo?.stop().catch(() => undefined);
}

// ─── main ───────────────────────────────────────────────────────────────────────────────

/** The commit under test, and whether the server's files differ from it (others edit the tree). */
function revision(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "server", "rooms", "client-sdk"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean).length;
    return `${head}${dirty ? ` + ${dirty} uncommitted file(s) in server/, rooms/, client-sdk/` : ""}`;
  } catch {
    return "unknown revision";
  }
}

function header(run: Run, startedAt: Date): string[] {
  const o = run.opts;
  const cpu = os.cpus()[0]?.model ?? "?";
  return [
    `fault-injection run, ${startedAt.toISOString()}: ${os.cpus().length} vCPU (${cpu}), Node ${process.version}, at ${run.revision}`,
    `  ${o.servers} game processes, ${o.learners} learners (${o.scenario}), ${o.rounds} rounds, think ${o.thinkMs} ms, rest ${o.restMs} ms, play ${playSeconds(o)} s, drain ≤ ${o.drainS} s`,
    `  faults: ${o.faults.map((f) => f.label).join(", ") || "none"}`,
  ];
}

async function main(): Promise<void> {
  const opts = parseOrExit("loadtest:faults", USAGE, () => parseFaultOptions(process.argv.slice(2)));
  const startedAt = new Date();
  const run: Run = {
    opts, revision: revision(), tmp: fs.mkdtempSync(path.join(os.tmpdir(), "lingualeap-faults-")), slots: [],
    admin: { user: "faults", password: randomBytes(12).toString("hex") }, journal: new Journal(() => clock.now()),
    learners: [], faults: [], samples: [], problems: [], windDown: new AbortController(), stop: new AbortController(),
  };
  setMaxListeners(0, run.windDown.signal, run.stop.signal); // one listener per learner
  guard(run);
  preloadAnswers();
  log(`${header(run, startedAt).join("\n")}\n  working directory ${run.tmp}`);
  try {
    await startPieces(run);
  } catch (err) {
    run.problems.push(`start-up: ${(err as Error).message}`);
    await cleanUp(run);
    return finish(run, startedAt, { ms: 0, done: false, what: "start-up failed" });
  }
  clock.t0 = Date.now();
  log("play starts");
  const sampler = sampleOutbox(run);
  const ticker = progress(run);
  const learners = startLearners(run);
  await runSchedule(run);
  await interruptible(run, playSeconds(opts) * 1000 - clock.now());
  log(`play over${run.interrupted ? ` (${run.interrupted})` : ""}: learners finish their duels`);
  await stopLearners(run, learners);
  log("waiting for pending results to reach MongoDB");
  const drained = await drain(run);
  clearInterval(ticker);
  clearInterval(sampler);
  let check: CheckResult | undefined;
  const leftover: Record<string, number> = {};
  try {
    const waiting = await waitingResults(run);
    for (const where of waiting.values()) {
      const key = where.replace(/ \d+ s ago, \d+×/, "");
      leftover[key] = (leftover[key] ?? 0) + 1;
    }
    check = await checkLedger(run.mongo!.directUrl, DB_NAME, run.journal, [...new Set(run.learners.map((l) => l.userId).filter(Boolean))], clock.t0, waiting);
  } catch (err) {
    run.problems.push(`check: ${(err as Error).message}`);
  }
  await cleanUp(run);
  finish(run, startedAt, drained, check, leftover);
}

function finish(run: Run, startedAt: Date, drained: ReportInput["drain"], check?: CheckResult, leftover: Record<string, number> = {}): void {
  for (const s of run.slots) run.problems.push(...s.crashes);
  if (run.interrupted) run.problems.push(`interrupted: ${run.interrupted}`);
  const input: ReportInput = {
    header: header(run, startedAt),
    faults: run.faults,
    figures: run.faults.map((f) => faultFigures(f, run.journal, run.samples)),
    journal: run.journal,
    check,
    leftover,
    drain: drained,
    exits: run.slots.flatMap((s) =>
      s.exits.map((e) => `#${s.index} :${s.port} life ${e.life}: ${e.signal ? `killed (${e.signal})` : `exit code ${e.code}`} at ${(e.t / 1000).toFixed(1)} s${e.asked ? "" : " — NOT ASKED FOR"}${e.code !== null && e.code !== 0 ? " — a failed exit" : ""}`),
    ),
    logs: run.slots.flatMap((s) => s.lines.map((l) => ({ ...l, t: l.t - clock.t0, last: l.last - clock.t0 }))).sort((a, b) => a.t - b.t),
    problems: run.problems,
  };
  const code = exitCode(input);
  process.stdout.write(`\n${reportText(input)}\n`);
  if (run.opts.json) {
    const { journal, ...rest } = input;
    const json = { ...rest, learners: run.opts.learners, joins: journal.joins, formations: journal.formations.length, cut: journal.cut, seen: journal.results.length, exitCode: code };
    fs.writeFileSync(run.opts.json, JSON.stringify(json, null, 1));
  }
  if (code === 0 && !run.opts.keepLogs) fs.rmSync(run.tmp, { recursive: true, force: true });
  else process.stdout.write(`\nlogs kept in ${path.join(run.tmp, "logs")}\n`);
  process.stdout.write(`\nexit ${code}\n`);
  process.exit(code);
}

/** SIGINT/SIGTERM end play early (a second one kills everything now); the hard cap kills. */
function guard(run: Run): void {
  let signals = 0;
  const onSignal = (signal: string) => {
    if (++signals > 1) {
      killAllNow();
      process.exit(130);
    }
    run.interrupted = `${signal}`;
    log(`${signal}: stopping (again to kill everything at once)`);
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  const capMs = run.opts.durationS * 1000 + 15_000;
  setTimeout(() => {
    process.stderr.write(`faults: still running ${capMs / 1000} s after start: killing everything\n`);
    killAllNow();
    process.exit(1);
  }, capMs).unref();
}

main().catch((err) => {
  process.stderr.write(`faults: ${(err as Error).stack ?? String(err)}\n`);
  killAllNow();
  process.exit(1);
});
