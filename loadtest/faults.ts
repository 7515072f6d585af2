/**
 * Fault-injection run (issue 10): a small cluster on loopback is put under learners and broken
 * on a schedule, and every result a learner was shown is checked against MongoDB afterwards.
 *
 *   npm run loadtest:faults -- [--servers 3] [--learners 120] [--scenario mixed|casual|ranked]
 *     [--duration 270] [--drain 60] [--faults "kill9@15/1,sigterm@45/0,redis@80+25,mongo@120+20"]
 *     [--think 1500] [--rest 60000] [--accuracy 0.8] [--rounds 3] [--server-env KEY=VALUE]…
 *     [--log-level info] [--json FILE] [--keep-logs]
 *
 * It starts its own pieces (faults-infra.ts): a redis-server on a free port with AOF in a
 * temporary directory, FerretDB behind a TCP proxy, and N game processes on fixed ports
 * (REDIS_URL, MONGODB_URL through the proxy, SINGLE_ADDRESS_LIMITS, short phases, a drain grace
 * longer than a duel, ADMIN_USER/ADMIN_PASSWORD for /admin/results). Learners
 * (faults-learner.ts) sign in as guests and play duels in a loop, half casual and half ranked
 * by default, writing into the journal (faults-journal.ts) every result they see. The faults
 * run one at a time; afterwards learners finish their duels, the run waits (bounded) until
 * nothing is pending (the stream, every process's /admin/results, `matches` not applied) and
 * checks the ledger against the database (faults-check.ts), then reports (faults-report.ts).
 *
 * Bounded: play lasts --duration minus start-up, wind-down, drain and check; the whole run is
 * killed 15 s past --duration at the latest (exit 1). Everything it started is stopped at the
 * end, on SIGINT/SIGTERM (a second one kills at once), and on a crash (children.ts).
 * Exit 0 when nothing was lost, doubled or left unresolved; 1 otherwise or when the run failed; 2 on a usage error.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Redis from "ioredis";
import { preloadAnswers } from "./answers";
import { killAllNow, ROOT } from "./children";
import { checkLedger, drainState, type CheckResult } from "./faults-check";
import { clock, gameEnv, GameSlot, OwnMongo, OwnRedis } from "./faults-infra";
import { FaultLearner } from "./faults-learner";
import { Journal } from "./faults-journal";
import { parseFaultOptions, playSeconds, RESERVED_S, USAGE, UsageError, type FaultOptions, type FaultSpec } from "./faults-options";
import { exitCode, faultFigures, reportText, type FaultRecord, type PendingSample, type ReportInput } from "./faults-report";
import { freePort } from "./servers";

const DB_NAME = "lingualeap_faults";
const STREAM = "lingualeap:results";
/** The stream's consumer group (server/outbox.ts). */
const STREAM_GROUP = "writers";
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const log = (line: string) => process.stdout.write(`[${(clock.now() / 1000).toFixed(1).padStart(6)}s] ${line}\n`);

interface Run {
  opts: FaultOptions;
  /** The revision under test, read when the run starts (the tree changes under it). */
  revision: string;
  tmp: string;
  redis?: OwnRedis;
  mongo?: OwnMongo;
  slots: GameSlot[];
  admin: { user: string; password: string };
  watcher?: Redis;
  journal: Journal;
  learners: FaultLearner[];
  faults: FaultRecord[];
  samples: PendingSample[];
  problems: string[];
  interrupted?: string;
  windDown: AbortController;
  stop: AbortController;
}

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

/** Every second: the stream's length and each process's pending results. */
function sampleOutbox(run: Run): NodeJS.Timeout {
  const auth = `Basic ${Buffer.from(`${run.admin.user}:${run.admin.password}`).toString("base64")}`;
  const pendingOf = async (s: GameSlot) => {
    if (!s.up) return NaN;
    try {
      const res = await fetch(`${s.http}/admin/results`, { headers: { authorization: auth }, signal: AbortSignal.timeout(900) });
      const body = (await res.json()) as { pending?: number };
      return typeof body.pending === "number" ? body.pending : NaN;
    } catch {
      return NaN;
    }
  };
  const timer = setInterval(async () => {
    const t = clock.now();
    const [stream, ...pending] = await Promise.all([
      run.watcher && run.redis?.running ? Promise.race([run.watcher.xlen(STREAM).catch(() => NaN), sleep(900).then(() => NaN)]) : Promise.resolve(NaN),
      ...run.slots.map(pendingOf),
    ]);
    run.samples.push({ t, stream, pending });
  }, 1000);
  return timer;
}

// ─── faults ─────────────────────────────────────────────────────────────────────────────

/** Runs one fault and says what happened; never throws. */
async function inject(run: Run, spec: FaultSpec): Promise<FaultRecord> {
  const start = clock.now();
  const rec: FaultRecord = { spec, start, end: start };
  try {
    if (spec.kind === "kill9" || spec.kind === "sigterm") {
      const slot = run.slots[spec.proc];
      rec.port = slot.port;
      if (spec.kind === "kill9") await slot.kill9();
      else {
        const exited = await slot.sigterm(slot.graceMs + 10_000);
        rec.exitMs = clock.now() - start;
        if (!exited) rec.problem = `still running ${(rec.exitMs / 1000).toFixed(0)} s after SIGTERM: killed`;
      }
      log(`${spec.label}: process #${spec.proc} :${slot.port} is gone${rec.exitMs !== undefined ? ` (drained in ${(rec.exitMs / 1000).toFixed(1)} s)` : ""}; restarting it on the same port`);
      rec.readyMs = await slot.start();
    } else if (spec.kind === "redis") {
      await run.redis!.kill();
      log(`${spec.label}: redis-server killed; back in ${spec.forS} s`);
      await sleep(spec.forS * 1000);
      await run.redis!.up();
    } else {
      await run.mongo!.cut();
      log(`${spec.label}: MongoDB cut at the proxy; back in ${spec.forS} s`);
      await sleep(spec.forS * 1000);
      await run.mongo!.restore();
    }
  } catch (err) {
    rec.problem = (err as Error).message.split("\n")[0];
    run.problems.push(`${spec.label}: ${rec.problem}`);
  }
  rec.end = clock.now();
  log(`${spec.label}: back after ${((rec.end - start) / 1000).toFixed(1)} s${rec.readyMs !== undefined ? ` (ready in ${(rec.readyMs / 1000).toFixed(1)} s)` : ""}${rec.problem ? ` — PROBLEM: ${rec.problem}` : ""}`);
  return rec;
}

/** The schedule, one fault at a time; stops early when the run is interrupted. */
async function runSchedule(run: Run): Promise<void> {
  for (const spec of run.opts.faults) {
    const wait = spec.atS * 1000 - clock.now();
    if (wait > 0) await interruptible(run, wait);
    if (run.interrupted) return;
    if (wait < -1000) log(`${spec.label}: starting ${(-wait / 1000).toFixed(1)} s late (the fault before took that long)`);
    run.faults.push(await inject(run, spec));
  }
}

async function interruptible(run: Run, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!run.interrupted && Date.now() < until) await sleep(Math.min(250, until - Date.now()));
}

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

/** Waits until nothing is pending anywhere and every seen result is applied, at most --drain s. */
async function drain(run: Run): Promise<ReportInput["drain"]> {
  const started = Date.now();
  let what = "not checked";
  while (Date.now() - started < run.opts.drainS * 1000 && !run.interrupted) {
    const last = run.samples[run.samples.length - 1];
    try {
      const db = await drainState(run.mongo!.directUrl, DB_NAME, run.journal);
      const quiet = last !== undefined && last.stream === 0 && last.pending.every((p) => p === 0);
      what = `stream ${last?.stream}, pending ${last?.pending.join("+")}, matches not applied ${db.pending}, seen results applied ${db.seenApplied}/${run.journal.results.length}`;
      if (quiet && db.pending === 0 && db.seenApplied === run.journal.results.length) return { ms: Date.now() - started, done: true, what };
    } catch (err) {
      what = `database: ${(err as Error).message}`;
    }
    await sleep(1000);
  }
  return { ms: Date.now() - started, done: false, what };
}

/**
 * Where results still wait at the check, by matchId: the cluster's stream (XRANGE), the
 * processes' outbox files, the dead letters.
 */
async function waitingResults(run: Run): Promise<Map<string, string>> {
  const where = new Map<string, string>();
  try {
    const entries = (await run.watcher!.xrange(STREAM, "-", "+", "COUNT", 100_000)) as [string, string[]][];
    // Who holds each delivered entry (the consumer group's pending list), and for how long.
    const held = new Map<string, string>();
    const pending = (await run.watcher!.xpending(STREAM, STREAM_GROUP, "-", "+", 100_000).catch(() => [])) as [string, string, number, number][];
    const nameOf = (consumer: string) => {
      const slot = run.slots.find((s) => s.processIds.has(consumer));
      return slot ? `${consumer} (#${slot.index} :${slot.port} life ${slot.processIds.get(consumer)}${slot.lives === slot.processIds.get(consumer) && slot.up ? ", running" : ", gone"})` : consumer;
    };
    for (const [id, consumer, idleMs, deliveries] of pending) held.set(id, `delivered to ${nameOf(consumer)} ${Math.round(idleMs / 1000)} s ago, ${deliveries}×`);
    for (const [id, fields] of entries) {
      const json = fields?.[fields.indexOf("r") + 1];
      const matchId = json ? (JSON.parse(json) as { matchId?: string }).matchId : undefined;
      if (matchId) where.set(matchId, `the stream (${held.get(id) ?? "not delivered to any writer"})`);
    }
  } catch (err) {
    run.problems.push(`could not read the stream ${STREAM} for the check: ${(err as Error).message}`);
  }
  const dataDir = path.join(run.tmp, "data");
  for (const name of fs.readdirSync(dataDir).filter((n) => n.endsWith(".jsonl"))) {
    const label = name.startsWith("dead-letter") ? `dead letters ${name}` : `outbox file ${name}`;
    for (const line of fs.readFileSync(path.join(dataDir, name), "utf8").split("\n")) {
      try {
        const entry = JSON.parse(line) as { matchId?: string; result?: { matchId?: string } };
        const matchId = entry.matchId ?? entry.result?.matchId;
        if (matchId && !where.get(matchId)?.startsWith("dead letters")) where.set(matchId, label);
      } catch {
        // an empty or torn line
      }
    }
  }
  return where;
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
  let opts: FaultOptions;
  try {
    opts = parseFaultOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message ? `${err.message}\n` : ""}${USAGE}\n`);
    process.exit(2);
  }
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
  let leftover: Record<string, number> = {};
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
