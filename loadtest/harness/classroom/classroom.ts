/**
 * The classroom run (issue 14): G class games of P phones at once, each driven by its host,
 * R rounds each, through the real client-sdk; then a report of what the games cost: games
 * finished, players joined, answer→patch, bytes per phone and per host per round, the server's
 * CPU and RSS, errors by code. Everything binds and connects to 127.0.0.1; the run stops by
 * itself (its --timeout, then a hard deadline).
 *
 *   npm run loadtest -- --scenario classroom [--games 20] [--players 50] [--rounds 10] …
 *   npm run loadtest:classroom -- …                      (the same program)
 *
 * Why a program of its own beside harness.ts: the harness runs learners that loop (queue,
 * play, again) for a duration and samples CCU; a classroom is a fixed set of host-driven games
 * that ends when the last podium shows. It reuses the harness's spawned servers (servers.ts:
 * the run's build or tsx, loopback, a Redis cluster with --servers > 1), its /proc watches
 * (procs.ts), the percentiles (support/stats.ts) and the socket byte counter
 * (bench/cost-wire.ts); its bot processes (class-shard.ts) play whole games, a host beside its
 * phones. Exit code 0 when every game reached its podium and errors stayed within
 * --max-errors; 1 otherwise (or on a crash, a signal, the deadline); 2 on a usage error.
 */
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { exitWithin, hasExited, killAllNow, ROOT, track, withTimeout } from "../../support/children";
import { parseOrExit } from "../../support/args";
import { loopbackServerEnv } from "../../support/server-env";
import { summarize } from "../../support/stats";
import { PROGRESS_EVERY_S, ProcWatch, readProc, round1 } from "../procs";
import { log } from "../run";
import { clusterStore, dropRunDatabase, runRedisUrl, openRedis, startServer, type ClusterStore } from "../servers";
import type { GamePlan } from "./class-game-bots";
import type { ClassShardConfig, FromClassShard, ToClassShard } from "./class-shard";
import { parseClassroomOptions, USAGE, type ClassroomOptions } from "./options";
import { printAndExit, type ClassRun, type ShardState } from "./report";

const STARTUP_BUDGET_MS = 60_000;
/** After --timeout the shards get this long to send what they measured. */
const FINAL_WAIT_MS = 20_000;
const DEADLINE_SLACK_MS = 45_000;

const FAST_ENV: Record<string, string> = { DUEL_COUNTDOWN_MS: "500", DUEL_REVEAL_MS: "500" };

/** A spawned server's settings: the loopback limits at their ceilings, room for P players, a short podium. */
function envFor(opts: ClassroomOptions, port: number, jwtSecret: string, outboxDir: string, redisUrl?: string, store?: ClusterStore): NodeJS.ProcessEnv {
  return {
    ...loopbackServerEnv(port, jwtSecret, "warn"),
    OUTBOX_PATH: path.join(outboxDir, `outbox-${port}.jsonl`),
    SHUTDOWN_GRACE_MS: "3000",
    CLASS_MAX_PLAYERS: String(Math.max(100, opts.players)),
    CLASS_PODIUM_MS: "15000",
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...(store ? { MONGODB_URL: store.url, MONGODB_DB: store.db } : {}),
    ...(opts.fast ? FAST_ENV : {}),
    ...opts.serverEnv,
  };
}

/**
 * Whole games per shard (contiguous blocks); game g's host talks HTTP to server g % N, its
 * phone i to server (g + i) % N. Phones join interleaved over the ramp — phone 0 of every
 * game, then phone 1 … — so the games fill, and start, at about the same time.
 */
export function planGames(opts: ClassroomOptions, endpoints: string[], shardCount: number): GamePlan[][] {
  const plan: GamePlan[][] = Array.from({ length: shardCount }, () => []);
  const total = opts.games * opts.players;
  for (let g = 0; g < opts.games; g++) {
    const players = Array.from({ length: opts.players }, (_, i) => ({
      endpoint: endpoints[(g + i) % endpoints.length],
      joinAfterMs: Math.round((opts.rampS * 1000 * (i * opts.games + g)) / total),
    }));
    plan[Math.floor((g * shardCount) / opts.games)].push({ index: g, hostEndpoint: endpoints[g % endpoints.length], players });
  }
  return plan;
}

const state: ClassRun = { opts: undefined as unknown as ClassroomOptions, servers: [], shards: [], failures: [], answerPatchRecent: [] };

function forkShard(index: number): ShardState {
  const child = track(fork(path.join(__dirname, "class-shard.ts"), [], { cwd: ROOT, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  const shard: ShardState = { index, child, watch: new ProcWatch(child.pid!), games: 0, last: undefined, final: undefined, ready: undefined as unknown as Promise<void> };
  shard.ready = new Promise((resolve, reject) => {
    child.on("message", (m: FromClassShard) => {
      if (m.type === "ready") return resolve();
      if (m.type === "tick") {
        shard.last = m;
        state.answerPatchRecent.push(...m.answerPatch);
      } else shard.final = m;
    });
    child.once("exit", (code) => reject(new Error(`shard ${index} exited (code ${code}) before it was ready`)));
  });
  shard.ready.catch(() => undefined);
  return shard;
}

function send(shard: ShardState, m: ToClassShard): void {
  if (shard.child.connected) shard.child.send(m);
}

async function bringUpServers(opts: ClassroomOptions): Promise<string[]> {
  const redisUrl = runRedisUrl(opts.servers);
  if (redisUrl) state.redis = await openRedis(redisUrl);
  const store = (state.store = redisUrl ? await clusterStore((ferret) => (state.ferret = ferret)) : undefined);
  const jwtSecret = randomBytes(32).toString("hex");
  const outboxDir = (state.outboxDir = mkdtempSync(path.join(os.tmpdir(), "lingualeap-classroom-")));
  const started = await Promise.allSettled(Array.from({ length: opts.servers }, () => startServer((port) => envFor(opts, port, jwtSecret, outboxDir, redisUrl, store), opts.serverCmd)));
  for (const s of started) if (s.status === "fulfilled") state.servers.push(s.value);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  log(`servers: ${state.servers.map((s) => `${s.http} (pid ${s.child.pid})`).join(", ")}${redisUrl ? ` — cluster on ${redisUrl}, store ${store!.url}${store!.db}` : ""}`);
  return state.servers.map((s) => s.http);
}

function progressLine(): string {
  const s = ((performance.now() - state.startedAt!) / 1000).toFixed(0).padStart(4);
  const ticks = state.shards.map((p) => p.final ? undefined : p.last).filter((t) => t !== undefined);
  const sum = (k: "ccu" | "joined" | "answers" | "errors" | "finished") => state.shards.reduce((n, p) => n + (p.last?.[k] ?? 0), 0);
  const ap = summarize(state.answerPatchRecent.splice(0));
  const srv = state.servers.map((p) => `${round1(p.watch.recentCpu())}%`).join("+");
  const rss = state.servers.map((p) => Math.round(p.watch.figures().rssMB)).join("+");
  const gen = state.shards.map((p) => `${round1(p.watch.recentCpu())}%`).join("+");
  const lag = Math.max(0, ...ticks.map((t) => t.loopDelayP99Ms));
  const { games, players } = state.opts;
  return `[${s}s] games finished ${sum("finished")}/${games}  joined ${sum("joined")}/${games * players}  ccu ${sum("ccu")}  answers ${sum("answers")}  a→p p50/p99 ${ap ? `${ap.p50}/${ap.p99}` : "—"} ms  errors ${sum("errors")}  | server cpu ${srv} rss ${rss} MB | gen cpu ${gen} lag p99 ${lag} ms`;
}

/** Samples every second until every shard has sent its final figures or --timeout ran out. */
function runLoop(): Promise<string> {
  return new Promise((resolve) => {
    let tick = 0;
    const timeoutAt = performance.now() + state.opts.timeoutS * 1000;
    const timer = setInterval(() => {
      tick++;
      for (const p of [...state.servers, ...state.shards]) p.watch.sample();
      // Every game started: what the servers spend from here on is play, not joins.
      if (!state.playFrom && state.shards.reduce((n, p) => n + (p.last?.started ?? 0), 0) === state.opts.games) state.playFrom = state.servers.map((s) => readProc(s.child.pid!));
      if (tick % PROGRESS_EVERY_S === 0) log(progressLine());
      const crashed = state.servers.find((s) => s.exited) ?? state.shards.find((p) => hasExited(p.child) && !p.final);
      const why = crashed ? "a process crashed" : state.shards.every((p) => p.final) ? "every game is over" : performance.now() > timeoutAt ? `--timeout ${state.opts.timeoutS} s` : state.stopBy;
      if (!why) return;
      clearInterval(timer);
      resolve(why);
    }, 1000);
  });
}

async function finalFigures(): Promise<void> {
  for (const p of state.shards) send(p, { type: "stop" });
  await Promise.all(state.shards.map(async (p) => {
    if (!(await exitWithin(p.child, FINAL_WAIT_MS))) {
      state.failures.push(`shard ${p.index} did not exit within ${FINAL_WAIT_MS} ms of stop: killed`);
      p.child.kill("SIGKILL");
    }
    if (!p.final && p.games > 0) state.failures.push(`shard ${p.index} exited (code ${p.child.exitCode}, signal ${p.child.signalCode}) without its final figures`);
  }));
}

/** Stops servers, flushes the cluster's Redis DB, drops a given store's database; bounded, never throws. */
async function cleanUp(): Promise<void> {
  for (const p of state.shards) if (!hasExited(p.child)) p.child.kill("SIGKILL");
  await Promise.all(state.servers.map((s) => s.stop()));
  if (state.redis) {
    await withTimeout(state.redis.flushdb(), 3000, "Redis FLUSHDB").catch((err) => state.failures.push(`could not flush Redis: ${(err as Error).message}`));
    state.redis.disconnect();
  }
  const notDropped = await dropRunDatabase(state.store);
  if (notDropped) state.failures.push(notDropped);
  await state.ferret?.stop();
  if (state.outboxDir) rmSync(state.outboxDir, { recursive: true, force: true });
}

async function play(opts: ClassroomOptions): Promise<void> {
  state.shards = Array.from({ length: Math.min(opts.shards, opts.games) }, (_, i) => forkShard(i));
  const endpoints = await bringUpServers(opts);
  const plan = planGames(opts, endpoints, state.shards.length);
  state.shards.forEach((p, i) => {
    p.games = plan[i].length;
    const config: ClassShardConfig = { shard: i, games: plan[i], play: { lang: opts.lang, mode: opts.mode, direction: opts.direction, accuracy: opts.accuracy, thinkMs: opts.thinkMs, revealMs: opts.revealMs, auto: opts.auto, rounds: opts.rounds } };
    send(p, { type: "configure", config });
  });
  await withTimeout(Promise.all(state.shards.map((p) => p.ready)), 30_000, "bot shards to start");
  for (const p of [...state.servers, ...state.shards]) p.watch.markStart();
  state.startedAt = performance.now();
  for (const p of state.shards) send(p, { type: "start" });
  state.stoppedBy = await runLoop();
  state.endedAt = performance.now();
  for (const p of [...state.servers, ...state.shards]) p.watch.markEnd();
  state.playTo = state.servers.map((s) => readProc(s.child.pid!));
  if (state.stoppedBy === "a process crashed") state.failures.push(describeCrash());
  log(`stopping (${state.stoppedBy})…`);
  await finalFigures();
}

function describeCrash(): string {
  const server = state.servers.find((s) => s.exited);
  if (server) return `server on port ${server.port} exited during the run (code ${server.child.exitCode}); its last output:\n${server.output()}`;
  const shard = state.shards.find((p) => hasExited(p.child) && !p.final);
  return `shard ${shard?.index} exited during the run (code ${shard?.child.exitCode}, signal ${shard?.child.signalCode})`;
}

/** Every run ends: at the hard deadline, or on a signal (a second one kills at once). */
function guard(opts: ClassroomOptions): void {
  const deadlineMs = STARTUP_BUDGET_MS + opts.timeoutS * 1000 + DEADLINE_SLACK_MS;
  const kill = (why: string) => {
    state.failures.push(`killed at ${why}`);
    killAllNow();
    state.ferret?.killNow();
    printAndExit(state);
  };
  setTimeout(() => kill(`the hard deadline (${Math.round(deadlineMs / 1000)} s)`), deadlineMs).unref();
  let signals = 0;
  const onSignal = (signal: string) => {
    if (++signals > 1) return kill(`${signal} twice`);
    state.failures.push(`interrupted by ${signal}`);
    state.stopBy = `interrupted by ${signal}`;
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
}

/** Runs the classroom from a command line (harness.ts hands `--scenario classroom` here). */
export async function runClassroom(argv: string[]): Promise<void> {
  const opts = parseOrExit("loadtest classroom", USAGE, () => parseClassroomOptions(argv));
  state.opts = opts;
  guard(opts);
  log(`loadtest classroom: ${opts.games} games × ${opts.players} players × ${opts.rounds} rounds, ${opts.servers} spawned server(s), ${Math.min(opts.shards, opts.games)} bot process(es)`);
  try {
    await play(opts);
  } catch (err) {
    state.failures.push((err as Error).message);
    state.stoppedBy ??= "startup failed";
  }
  await cleanUp();
  printAndExit(state);
}

if (require.main === module) {
  runClassroom(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`loadtest classroom: ${(err as Error).stack ?? String(err)}\n`);
    killAllNow();
    process.exit(1);
  });
}
