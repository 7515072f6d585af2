/**
 * The timed steps of the boards bench (boards.ts) and the checks between them: the HTTP
 * queries on the global board, results written through RedisBoards.write, what the API and
 * the sorted sets hold afterwards, and full recordMatch calls on the store of record.
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type Redis from "ioredis";
import { boardKey, boardsTouched, type BoardRef } from "../../server/boards";
import { isoWeek } from "../../server/progress.rules";
import type { MongoStore } from "../../server/store/MongoStore";
import { readProc, CLK_TCK } from "../harness/procs";
import { pick, duelResult, LANG, type Rng } from "./results-data";
import { ROOT, track, withTimeout } from "../support/children";
import { standings, type Standings, type World } from "./boards-data";
import type { WriterArgs, WriterCommand, WriterReply } from "./boards-writer";
import { checkAround, checkTop, type BoardsClient } from "./boards-http";
import { NO_SAMPLES, runPhase, type Operation, type PhaseResult, type PhaseSpec } from "./boards-phase";
import type { LeaderboardPage } from "../../server/http/api.types";
import { msSince, note, nowNs } from "./measure";
import { summarize, type Summary } from "../support/stats";

/** A phase and the CPU the server (and the bench's Redis) spent in it. */
export interface Timed extends PhaseResult {
  serverCpuMs: number;
  redisCpuMs?: number;
  /** The run's own FerretDB (idle, unless something of the server's still runs there). */
  mongoCpuMs?: number;
  /** The whole machine's busy CPU over the phase, in % of one CPU (200 % = both busy). */
  machinePercent: number;
  /** The load generator's CPU: this process's (the HTTP client), or the writer processes'. */
  clientCpuMs: number;
}

const cpuMs = (pid: number | undefined) => {
  const s = pid === undefined ? undefined : readProc(pid);
  return s ? (s.cpuTicks * 1000) / CLK_TCK : NaN;
};

/** Busy and total jiffies of the whole machine (/proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - cpu[3] - cpu[4], total };
}

export interface Pids {
  server: number;
  redis?: number;
  mongo?: number;
}

/** Runs a phase and reads the CPU time the server, Redis, FerretDB, this process and the machine used during it. */
async function withCpu(pids: Pids, run: () => Promise<PhaseResult>): Promise<Timed> {
  const [s0, r0, m0, c0, k0] = [cpuMs(pids.server), cpuMs(pids.redis), cpuMs(pids.mongo), process.cpuUsage(), machineTicks()];
  const phase = await run();
  const [c, k] = [process.cpuUsage(c0), machineTicks()];
  return {
    ...phase,
    serverCpuMs: cpuMs(pids.server) - s0,
    redisCpuMs: pids.redis === undefined ? undefined : cpuMs(pids.redis) - r0,
    mongoCpuMs: pids.mongo === undefined ? undefined : cpuMs(pids.mongo) - m0,
    clientCpuMs: (c.user + c.system) / 1000,
    machinePercent: (100 * os.cpus().length * (k.busy - k0.busy)) / (k.total - k0.total),
  };
}

export interface QueryContext {
  world: World;
  standing: Standings;
  http: BoardsClient;
  token: (learner: number) => string;
  rng: Rng;
  pids: Pids;
}

const latencies = (l: Summary) => `p50/p95/p99/max ${l.p50} / ${l.p95} / ${l.p99} / ${l.max} ms`;

/** Top-10 and around-me, one at a time and then `concurrency` in flight; every answer checked. */
export async function queryPhases(c: QueryContext, spec: Omit<PhaseSpec, "concurrency">, concurrency: number): Promise<Timed[]> {
  const n = c.world.learners.length;
  const top = (): Operation<LeaderboardPage> => ({
    send: () => c.http.get("/api/leaderboards/global?limit=10"),
    check: (page) => checkTop(c.world, c.standing, page),
  });
  const around = (): Operation<LeaderboardPage> => {
    const me = pick(c.rng, n);
    const token = c.token(me);
    return {
      send: () => c.http.get("/api/leaderboards/global?around=me", token),
      check: (page) => (checkAround(c.world, c.standing, page, me), checkTop(c.world, c.standing, page)),
    };
  };
  const out: Timed[] = [];
  for (const k of [1, concurrency]) {
    for (const [label, op] of [["top-10", top], ["around-me", around]] as const) {
      note(`\n== GET ${label}, ${k === 1 ? "one at a time" : `${k} in flight`}: ${spec.count} requests after ${spec.warmup} untimed`);
      const phase = await withCpu(c.pids, () => runPhase(`${label} ×${k}`, { ...spec, concurrency: k }, op));
      note(`  warm-up (cold, left out of the figures): ${phase.cold.count} requests, ${latencies(phase.cold)}`);
      note(`  ${phase.done} in ${(phase.wallMs / 1000).toFixed(1)} s: ${phase.perSecond.toFixed(0)} req/s, ${latencies(phase.latency)}`);
      out.push(phase);
    }
  }
  return out;
}

export interface ResultsSpec {
  redisUrl: string;
  seed: number;
  count: number;
  /** In flight in all, shared out among the writers. */
  concurrency: number;
  writers: number;
  budgetMs: number;
}

/** Results written, with the writers' own CPU (the load generator: the ioredis client side of RedisBoards.write). */
export interface ResultsTimed extends Timed {
  writers: number;
}

/** Forks one writer (boards-writer.ts) and resolves once it is ready for the go. */
async function forkWriter(args: WriterArgs): Promise<{ child: ChildProcess; done: Promise<Extract<WriterReply, { type: "done" }>> }> {
  const child = track(fork(path.join(__dirname, "boards-writer.ts"), [], { cwd: ROOT, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  let ready!: () => void;
  let fail!: (err: Error) => void;
  const isReady = new Promise<void>((resolve, reject) => ((ready = resolve), (fail = reject)));
  const done = new Promise<Extract<WriterReply, { type: "done" }>>((resolve, reject) => {
    const failed = (err: Error) => (fail(err), reject(err));
    child.on("message", (reply: WriterReply) => {
      if (reply.type === "ready") ready();
      else if (reply.type === "done") resolve(reply);
      else failed(new Error(`writer ${args.writer}: ${reply.message}`));
    });
    child.once("exit", (code, signal) => failed(new Error(`writer ${args.writer} exited (${signal ?? `code ${code}`}) before it was done`)));
  });
  done.catch(() => undefined);
  child.send({ type: "start", args } satisfies WriterCommand);
  await withTimeout(isReady, 60_000, `writer ${args.writer} to be ready`);
  return { child, done };
}

/**
 * `count` two-learner results written through RedisBoards.write by `writers` processes (each
 * its own connection, as server processes are), `concurrency` in flight in all; their last
 * rows are merged back into `world` for the checks.
 */
export async function resultsPhase(world: World, spec: ResultsSpec, pids: QueryContext["pids"]): Promise<ResultsTimed> {
  const week = isoWeek(Date.now());
  note(`\n== results: ${spec.count} two-learner results (10 rows on 5 boards each) through RedisBoards.write, ${spec.writers} writer process(es), ${spec.concurrency} in flight in all, week ${week}`);
  const share = (total: number, w: number) => Math.floor(total / spec.writers) + (w < total % spec.writers ? 1 : 0);
  const writers = await Promise.all(
    Array.from({ length: spec.writers }, (_, w) =>
      forkWriter({ redisUrl: spec.redisUrl, learners: world.learners.length, seed: spec.seed, writer: w, writers: spec.writers, count: share(spec.count, w), concurrency: Math.max(1, share(spec.concurrency, w)), week, budgetMs: spec.budgetMs }),
    ),
  );
  let replies: Extract<WriterReply, { type: "done" }>[] = [];
  const phase = await withCpu(pids, async () => {
    const t0 = nowNs();
    for (const { child } of writers) child.send({ type: "go" } satisfies WriterCommand);
    replies = await Promise.all(writers.map((w) => w.done));
    const wallMs = msSince(t0);
    const samples = replies.flatMap((r) => r.phase.samples);
    return {
      label: "results", planned: spec.count, done: samples.length, concurrency: spec.concurrency, wallMs, perSecond: samples.length / (wallMs / 1000),
      latency: summarize(samples) ?? NO_SAMPLES, samples, truncated: replies.some((r) => r.phase.truncated), cold: NO_SAMPLES,
    };
  });
  for (const { child } of writers) child.disconnect();
  for (const r of replies) {
    for (const [i, xp, weekly, rating, version] of r.state) {
      world.written[i] = 1;
      world.xp[i] = xp;
      world.weekly[i] = weekly;
      world.rating[i] = rating;
      world.version[i] = version;
    }
  }
  note(`  ${phase.done} in ${(phase.wallMs / 1000).toFixed(1)} s: ${phase.perSecond.toFixed(0)} results/s, per write p50/p99 ${phase.latency.p50} / ${phase.latency.p99} ms`);
  return { ...phase, writers: spec.writers, clientCpuMs: replies.reduce((s, r) => s + r.cpuMs, 0) };
}

/** The board's sorted set, for the direct checks (RedisBoards stores the negated score; the key as keysOf makes it). */
const zKey = (ref: BoardRef) => `lb:{${boardKey(ref)}}:z`;

export interface WrittenCheck {
  learners: number;
  /** Learners written by the results phase, and of them those checked. */
  written: number;
  standing: Standings;
}

/**
 * After the results: the API's top 10 and the around-me rows of `sample` written learners
 * are the bench's own (ranks recomputed over every learner), and the other four boards' sets
 * hold each sampled learner's last score (and, on rating-es, its last version); weekly sets expire.
 */
export async function checkWritten(c: Omit<QueryContext, "standing">, redis: Redis, sample: number): Promise<WrittenCheck> {
  const { world } = c;
  const standing = standings(world);
  const written = world.written.reduce((s, w) => s + w, 0);
  const picks = Array.from({ length: world.learners.length }, (_, i) => i).filter((i) => world.written[i] === 1);
  for (let k = picks.length - 1; k > 0; k--) {
    const j = pick(c.rng, k + 1);
    [picks[k], picks[j]] = [picks[j], picks[k]];
  }
  const chosen = picks.slice(0, sample);
  checkTop(world, standing, await c.http.get("/api/leaderboards/global?limit=10"));
  const [, inLang, globalWeek, langWeek, rating] = boardsTouched(LANG, isoWeek(Date.now()));
  for (const i of chosen) {
    checkAround(world, standing, await c.http.get("/api/leaderboards/global?around=me", c.token(i)), i);
    const id = world.learners[i].id;
    const want: [BoardRef, number][] = [[inLang, world.xp[i]], [globalWeek, world.weekly[i]], [langWeek, world.weekly[i]], [rating, world.rating[i]]];
    const got = (await want.reduce((p, [ref]) => p.zscore(zKey(ref), id), redis.pipeline()).hget(`lb:{${boardKey(rating)}}:v`, id).exec()) ?? [];
    want.forEach(([ref, score], k) => {
      if (Number(got[k]?.[1]) !== -score) throw new Error(`${boardKey(ref)}: ${id} has ${got[k]?.[1]} in Redis, expected ${-score} (the negated score)`);
    });
    if (Number(got[4]?.[1]) !== world.version[i]) throw new Error(`${boardKey(rating)}: ${id} has version ${got[4]?.[1]}, expected ${world.version[i]}`);
  }
  for (const ref of [globalWeek, langWeek]) {
    if (!((await redis.pexpiretime(zKey(ref))) > Date.now())) throw new Error(`${boardKey(ref)}: the weekly set has no expiry in the future`);
  }
  return { learners: chosen.length, written, standing };
}

export interface RecordFigures {
  planned: number;
  done: number;
  latency: Summary | null;
  /** A call still running when the budget ran out, and how long it had run. */
  cutAfterMs?: number;
  /** A call that failed (the bench then exits 1, after its figures), and after how long. */
  error?: { message: string; afterMs: number };
}

/**
 * `count` full Store.recordMatch calls (MongoDB, then the rows to Redis through the store's
 * sink, as the server records a result), one at a time, between learners no earlier phase
 * wrote; each learner's global row on the API is then its new XP in MongoDB. A call still
 * running when `budgetMs` is spent is left (and reported), not waited for.
 */
export async function recordPhase(c: Omit<QueryContext, "standing">, store: MongoStore, count: number, budgetMs: number): Promise<RecordFigures> {
  const { world } = c;
  const fresh = () => {
    for (;;) {
      const i = pick(c.rng, world.learners.length);
      if (!world.written[i]) return (world.written[i] = 1, i);
    }
  };
  const deadline = Date.now() + budgetMs;
  const samples: number[] = [];
  for (let k = 0; k < count && Date.now() < deadline; k++) {
    const [a, b] = [fresh(), fresh()];
    const t0 = nowNs();
    const call = store.recordMatch(duelResult(world.learners[a], world.learners[b], c.rng, k));
    call.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), deadline - Date.now())));
    let outcome: boolean | "late";
    try {
      outcome = await Promise.race([call, late]).finally(() => clearTimeout(timer));
    } catch (err) {
      return { planned: count, done: samples.length, latency: summarize(samples), error: { message: (err as Error).message, afterMs: msSince(t0) } };
    }
    if (outcome === "late") return { planned: count, done: samples.length, latency: summarize(samples), cutAfterMs: msSince(t0) };
    if (outcome !== true) throw new Error("recordMatch answered false for a new matchId");
    samples.push(msSince(t0));
    note(`  recordMatch ${k + 1}/${count}: ${(samples[samples.length - 1] / 1000).toFixed(1)} s`);
    for (const i of [a, b]) {
      const xp = (await store.progress(world.learners[i].id)).xp;
      const page = await c.http.get("/api/leaderboards/global?around=me", c.token(i));
      const mine = page.me?.around.find((r) => r.userId === world.learners[i].id);
      if (mine?.score !== xp) throw new Error(`after recordMatch, the API shows ${world.learners[i].id} at ${mine?.score}, MongoDB has XP ${xp}`);
    }
  }
  return { planned: count, done: samples.length, latency: summarize(samples) };
}
