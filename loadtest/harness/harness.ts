/**
 * Headless load test of LinguaLeap: spawns server processes (or uses running ones), forks
 * bot worker processes (shard.ts) that run simulated learners (learner/Learner.ts), prints a
 * progress line every few seconds and a report at the end. Everything binds and connects to
 * 127.0.0.1; every run stops by itself.
 *
 *   npm run loadtest -- [--servers 1 | --endpoint http://127.0.0.1:PORT[,…]] [--bots 100]
 *     [--shards 2] [--duration 30] [--ramp 5] [--scenario ranked|casual|pairing] [--lang es]
 *     [--mode choice|typed] [--direction en-target|target-en] [--accuracy 0.8] [--think 1500]
 *     [--fast] [--rounds N] [--server-env KEY=VALUE]… [--max-errors 0] [--json FILE] [--lean]
 *
 * --lean (casual only) makes the shards run LeanLearners, which speak HTTP and the Colyseus
 * wire themselves (learner/LeanLearner.ts) for a fraction of an SDK learner's CPU, so the load
 * generator is not what limits a big run. The progress lines and the end show both sides'
 * CPU per connected learner.
 *
 * --servers N spawns N processes of the run's compiled build (`--server-cmd tsx`: the
 * sources through tsx) on free loopback ports; N > 1 makes them one cluster on Redis DB 12
 * (LOADTEST_REDIS_URL overrides), flushed at the start and the end, sharing a store of record
 * (a FerretDB of the run's own, or LOADTEST_MONGODB_URL). Bot i sends its HTTP to server i % N (as nginx round-robin would); its
 * WebSockets go wherever the room is (PUBLIC_ADDRESS). --fast, --rounds and --server-env
 * apply to spawned servers only.
 *
 * Exit code 0 on success; 1 when errors exceed --max-errors, no duel completed
 * (ranked/casual) or nobody was paired (pairing), a shard or server crashed, an endpoint is
 * unreachable, the run was interrupted, or it had to be killed at its hard deadline; 2 on a
 * usage error. See loadtest/README.md and docs/benchmarks.md.
 *
 * This file drives the run (startup, progress lines, stop, cleanup); the rest lives in
 * options.ts (command line), servers.ts (spawned or given servers, Redis), shard-procs.ts
 * (the bot processes), procs.ts (CPU and memory from /proc), ../support/children.ts (child
 * processes and bounded waits), run.ts (the run's state) and report.ts (the report and exit code).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { disconnected, exitWithin, killAllNow, withTimeout } from "../support/children";
import { parseOrExit } from "../support/args";
import { parseOptions, USAGE, type HarnessOptions } from "./options";
import { runClassroom } from "./classroom/classroom";
import { wantsClassroom } from "./classroom/options";
import { PROGRESS_EVERY_S, round1 } from "./procs";
import { reportAndExit } from "./report";
import { elapsedS, log, run } from "./run";
import { checkEndpoints, clusterStore, dropRunDatabase, runRedisUrl, openRedis, serverEnv, startServer } from "./servers";
import type { FromShard, ShardConfig } from "./shard";
import { forkShard, planShards } from "./shard-procs";
import { Totals } from "../learner/metrics";
import { summarize } from "../support/stats";

/** Time allowed for servers and shards to come up. */
const STARTUP_BUDGET_MS = 60_000;
/** Time learners get to leave their rooms after the run, and shards to exit after that. */
const SHARD_STOP_GRACE_MS = 8_000;
const SHARD_EXIT_WAIT_MS = 12_000;
/** Beyond startup + duration + this, everything is killed and the run fails. */
const DEADLINE_SLACK_MS = 45_000;

// ─── the run ────────────────────────────────────────────────────────────────────────────

/** Milliseconds of CPU per connected learner-second, from a CPU % (100 = one core) and a CCU. */
function perLearner(cpuPercent: number, ccu: number): string {
  return ccu > 0 && Number.isFinite(cpuPercent) ? ((cpuPercent * 10) / ccu).toFixed(3) : "—";
}

/** One progress line: load, throughput, recent latencies, errors, and CPU of both sides. */
function progressLine(): string {
  const t = run.totals;
  const s = elapsedS();
  const ap = summarize(run.recent.samples.answerPatch);
  const join = summarize(run.recent.samples.join);
  const ccu = run.ccuSamples[run.ccuSamples.length - 1] ?? 0;
  const srvPercent = run.servers.reduce((n, p) => n + p.watch.recentCpu(), 0);
  const genPercent = run.shards.reduce((n, p) => n + p.watch.recentCpu(), 0);
  const srvCpu = run.servers.map((p) => `${round1(p.watch.recentCpu())}%`).join("+") || "n/a";
  const srvRss = run.servers.map((p) => `${Math.round(p.watch.figures().rssMB)}`).join("+") || "n/a";
  const genCpu = run.shards.map((p) => `${round1(p.watch.recentCpu())}%`).join("+");
  const lag = Math.max(0, ...run.shards.map((p) => p.loopDelayP99Ms));
  const started = run.shards.reduce((n, p) => n + p.started, 0);
  return (
    `[${s.toFixed(0).padStart(4)}s] bots ${started}/${run.opts.bots}  ccu ${ccu}  ` +
    `paired ${t.paired} (${(t.paired / Math.max(s, 1)).toFixed(1)}/s)  duels ${t.matchIds.size}  answers ${t.answersSent}  ` +
    `a→p p50/p99 ${ap ? `${ap.p50}/${ap.p99}` : "—"} ms  join p99 ${join ? join.p99 : "—"} ms  errors ${t.errorCount}` +
    `  | server cpu ${srvCpu} rss ${srvRss} MB (${run.servers.length ? perLearner(srvPercent, ccu) : "—"} ms/learner·s)` +
    ` | gen cpu ${genCpu} (${perLearner(genPercent, ccu)} ms/learner·s) lag p99 ${lag} ms`
  );
}

/**
 * Both sides' CPU per connected learner-second over the run (mean CCU), each shard apart:
 * whether the bots cost less than the server they load.
 */
function costLine(): string {
  const ccu = run.ccuSamples.length ? run.ccuSamples.reduce((a, b) => a + b, 0) / run.ccuSamples.length : 0;
  const mean = (p: { watch: { figures(): { cpuPercentMean: number } } }) => p.watch.figures().cpuPercentMean;
  const server = run.servers.reduce((n, p) => n + mean(p), 0);
  const gen = run.shards.reduce((n, p) => n + mean(p), 0);
  const shards = run.shards.map((p) => `${round1(mean(p))}% for ${p.started} bots`).join(", ");
  const ratio = server > 0 ? ` — load generator / server ${(gen / server).toFixed(2)}` : "";
  return `cpu per learner  server ${run.servers.length ? perLearner(server, ccu) : "n/a"} ms, load generator ${perLearner(gen, ccu)} ms per connected learner-second (mean CCU ${round1(ccu)}; shards ${shards})${ratio}`;
}

/** Samples every second; resolves with the reason the run stops. */
function runLoop(): Promise<string> {
  return new Promise((resolve) => {
    let tick = 0;
    const stop = (reason: string) => {
      clearInterval(timer);
      stopRun = () => undefined;
      resolve(reason);
    };
    stopRun = stop;
    const timer = setInterval(() => {
      tick++;
      run.ccuSamples.push(run.shards.reduce((n, p) => n + p.ccu, 0));
      for (const p of [...run.servers, ...run.shards]) p.watch.sample();
      if (tick % PROGRESS_EVERY_S === 0) {
        log(progressLine());
        run.recent = new Totals();
      }
      if (run.totals.errorCount > run.opts.maxErrors) stop(`errors exceeded --max-errors ${run.opts.maxErrors}`);
      else if (elapsedS() >= run.opts.durationS) stop("duration");
    }, 1000);
  });
}

/** Ends the run early (crash, signal); replaced by runLoop while it runs. */
let stopRun: (reason: string) => void = () => undefined;

function watchCrashes(): void {
  for (const s of run.servers) {
    s.child.once("exit", (code, signal) => {
      if (s.stopping) return;
      run.failures.push(`server on port ${s.port} exited during the run (code ${code}, signal ${signal})`);
      log(`server on port ${s.port} exited (code ${code}, signal ${signal}); its last output:\n${s.output()}`);
      stopRun("a server crashed");
    });
  }
  for (const p of run.shards) {
    p.child.once("exit", (code, signal) => {
      if (p.stopping && code === 0) return;
      run.failures.push(`shard ${p.index} exited (code ${code}, signal ${signal}) ${p.stopping ? "after stop without reporting" : "during the run"}`);
      stopRun("a shard crashed");
    });
  }
}

/** Tells the shards to stop, waits for their last figures, kills any that linger. */
async function stopShards(): Promise<void> {
  for (const p of run.shards) {
    p.stopping = true;
    p.send({ type: "stop" });
  }
  await Promise.all(
    run.shards.map(async (p) => {
      if (!(await exitWithin(p.child, SHARD_EXIT_WAIT_MS))) {
        run.failures.push(`shard ${p.index} did not exit within ${SHARD_EXIT_WAIT_MS} ms of stop: killed`);
        p.child.kill("SIGKILL");
        return;
      }
      // Its last messages may still be in the IPC channel when "exit" fires.
      await disconnected(p.child, 2000);
      if (!p.gotFinal && p.started > 0) run.failures.push(`shard ${p.index} exited without its final figures`);
    }),
  );
}

/** Stops shards and servers, flushes the Redis DB; bounded, never throws. */
async function cleanUp(): Promise<void> {
  if (run.shards.some((p) => !p.exited)) await stopShards();
  await Promise.all(run.servers.map((s) => s.stop()));
  if (run.redis) {
    await withTimeout(run.redis.flushdb(), 3000, "Redis FLUSHDB").catch((err) => run.failures.push(`could not flush Redis: ${(err as Error).message}`));
    run.redis.disconnect();
  }
  const notDropped = await dropRunDatabase(run.store);
  if (notDropped) run.failures.push(notDropped);
  await run.ferret?.stop();
  if (run.outboxDir) rmSync(run.outboxDir, { recursive: true, force: true });
}

// ─── startup ────────────────────────────────────────────────────────────────────────────

/** Servers to use: spawned (with Redis when several) or given. */
async function bringUpServers(opts: HarnessOptions): Promise<string[]> {
  if (opts.endpoints.length > 0) {
    run.endpoints = opts.endpoints;
    const problems = await checkEndpoints(opts.endpoints);
    if (problems.length > 0) throw new Error(problems.join("; "));
    return opts.endpoints;
  }
  const redisUrl = runRedisUrl(opts.servers);
  if (redisUrl) run.redis = await openRedis(redisUrl);
  const store = (run.store = redisUrl ? await clusterStore((ferret) => (run.ferret = ferret)) : undefined);
  // One secret for the whole cluster (a token from one process is good on every other), new each run.
  const jwtSecret = randomBytes(32).toString("hex");
  run.outboxDir = mkdtempSync(path.join(os.tmpdir(), "lingualeap-loadtest-"));
  const envFor = (port: number) => serverEnv(opts, port, redisUrl, jwtSecret, run.outboxDir!, store);
  const started = await Promise.allSettled(Array.from({ length: opts.servers }, () => startServer(envFor)));
  for (const s of started) if (s.status === "fulfilled") run.servers.push(s.value);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  log(`servers: ${run.servers.map((s) => `${s.http} (pid ${s.child.pid})`).join(", ")}${redisUrl ? ` — cluster on ${redisUrl}, store ${store!.url}${store!.db}` : ""}`);
  return run.servers.map((s) => s.http);
}

/** Forks the shards at once (they load while the servers start); bots are handed out later. */
function forkShards(opts: HarnessOptions): void {
  const onDelta = (m: Extract<FromShard, { type: "tick" }>) => {
    run.totals.merge(m.delta);
    run.recent.merge(m.delta);
  };
  run.shards = Array.from({ length: Math.min(opts.shards, opts.bots) }, (_, i) => forkShard(i, onDelta));
}

async function configureShards(opts: HarnessOptions, endpoints: string[]): Promise<void> {
  const plan = planShards(opts, endpoints, run.shards.length);
  run.shards.forEach((p, i) => {
    const config: ShardConfig = {
      shard: i,
      bots: plan[i],
      learner: { scenario: opts.scenario, lang: opts.lang, mode: opts.mode, direction: opts.direction, accuracy: opts.accuracy, thinkMs: opts.thinkMs },
      lean: opts.lean,
      stopGraceMs: SHARD_STOP_GRACE_MS,
    };
    p.send({ type: "configure", config });
  });
  await withTimeout(Promise.all(run.shards.map((p) => p.ready)), 30_000, "bot shards to start");
}

// ─── main ───────────────────────────────────────────────────────────────────────────────

/** Every run ends: at the hard deadline, or on a signal (a second one kills at once). */
function guardRun(opts: HarnessOptions): void {
  const deadlineMs = STARTUP_BUDGET_MS + opts.durationS * 1000 + DEADLINE_SLACK_MS;
  setTimeout(() => void killedAtDeadline(deadlineMs), deadlineMs);
  let signals = 0;
  const onSignal = (signal: string) => {
    if (++signals > 1) return void killedAtDeadline(0, `${signal} twice`);
    run.failures.push(`interrupted by ${signal}`);
    if (run.startedAt === undefined) return void abortStartup(`interrupted by ${signal}`);
    stopRun(`interrupted by ${signal}`);
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
}

/** Starts every bot, runs until the run stops, then stops and reports. */
async function runBots(): Promise<void> {
  watchCrashes();
  for (const p of [...run.servers, ...run.shards]) p.watch.markStart();
  run.startedAt = performance.now();
  for (const p of run.shards) p.send({ type: "start" });
  run.stoppedBy = await runLoop();
  run.endedAt = performance.now();
  for (const p of [...run.servers, ...run.shards]) p.watch.markEnd();
  log(costLine());
  log(`stopping (${run.stoppedBy}): learners leave their rooms…`);
  await stopShards();
  await cleanUp();
  reportAndExit();
}

async function main(): Promise<void> {
  // A classroom is a set of host-driven games, not learners looping for a duration: its own program.
  if (wantsClassroom(process.argv.slice(2))) return runClassroom(process.argv.slice(2));
  const opts = parseOrExit("loadtest", USAGE, () => parseOptions(process.argv.slice(2)));
  run.opts = opts;
  guardRun(opts);
  log(`loadtest: ${opts.bots} bots, ${opts.servers > 0 ? `${opts.servers} spawned server(s)` : opts.endpoints.join(",")}, scenario ${opts.scenario}, ${opts.durationS} s`);
  try {
    forkShards(opts);
    run.endpoints = await bringUpServers(opts);
    await configureShards(opts, run.endpoints);
  } catch (err) {
    return abortStartup((err as Error).message);
  }
  await runBots();
}

/** Startup failed (or was interrupted): clean up and fail with a report. */
async function abortStartup(reason: string): Promise<void> {
  if (!run.failures.includes(reason)) run.failures.push(reason);
  run.stoppedBy = "startup failed";
  await cleanUp();
  reportAndExit();
}

/** The hard deadline (or a second signal): kill everything now, flush Redis briefly, fail. */
async function killedAtDeadline(ms: number, why = `the hard deadline (${Math.round(ms / 1000)} s)`): Promise<void> {
  run.failures.push(`killed at ${why}`);
  run.stoppedBy ??= "killed";
  run.endedAt ??= performance.now();
  for (const p of [...run.servers, ...run.shards]) p.watch.markEnd();
  for (const s of run.servers) s.stopping = true;
  for (const p of run.shards) p.stopping = true;
  killAllNow();
  run.ferret?.killNow();
  if (run.redis) {
    await withTimeout(run.redis.flushdb(), 2000, "Redis FLUSHDB").catch(() => undefined);
    run.redis.disconnect();
  }
  reportAndExit();
}

main().catch((err) => {
  process.stderr.write(`loadtest: ${(err as Error).stack ?? String(err)}\n`);
  killAllNow();
  process.exit(1);
});
