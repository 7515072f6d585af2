/**
 * One writer process of the boards bench's results phase (forked by boards-steps.ts), as one
 * server process of a cluster writes its results: its own Redis connection and RedisBoards,
 * `count` two-learner results through RedisBoards.write with `concurrency` in flight.
 *
 * It makes the same learners as the bench (makeLearners from the same seed) and writes only
 * learners of its own share (index ≡ writer mod writers), so no two writers touch one
 * learner and each knows its learners' last rows; it sends them back with its latencies.
 * Protocol over IPC: start → ready, go → done (or error).
 */
import Redis from "ioredis";
import { createLogger } from "../../server/logger";
import { RedisBoards } from "../../server/store/RedisBoards";
import { seededRng } from "../support/rng";
import { makeWorld, other, resultRows } from "./boards-data";
import { runPhase, type PhaseResult } from "./boards-phase";
import { makeLearners, pick } from "./results-data";

export interface WriterArgs {
  redisUrl: string;
  learners: number;
  seed: number;
  writer: number;
  writers: number;
  count: number;
  concurrency: number;
  week: string;
  budgetMs: number;
}

/** A written learner's last rows: index, all-time XP, this week's XP, rating, version. */
export type WrittenState = [number, number, number, number, number];

export type WriterReply =
  | { type: "ready" }
  | { type: "done"; phase: PhaseResult; cpuMs: number; state: WrittenState[] }
  | { type: "error"; message: string };

export type WriterCommand = { type: "start"; args: WriterArgs } | { type: "go" };

const send = (reply: WriterReply) => process.send!(reply);

async function start(args: WriterArgs): Promise<void> {
  const world = makeWorld(makeLearners(args.learners, seededRng(args.seed)));
  const rng = seededRng(args.seed * 7919 + args.writer + 1);
  const mine = Math.floor((args.learners - 1 - args.writer) / args.writers) + 1;
  const at = (k: number) => args.writer + k * args.writers;
  const redis = new Redis(args.redisUrl, { maxRetriesPerRequest: 2 });
  const log = createLogger({ LOG_LEVEL: "warn" }, process.stderr);
  const boards = new RedisBoards(redis, { boardGeneration: () => Promise.reject(new Error("a writer only writes")) } as never, log, {
    weeklyKeepMs: 14 * 86_400_000,
    now: Date.now,
    owner: `bench-writer-${process.pid}`,
  });
  await redis.ping();
  send({ type: "ready" });
  await new Promise<void>((resolve) => process.once("message", () => resolve()));
  const cpu0 = process.cpuUsage();
  const phase = await runPhase(`results (writer ${args.writer})`, { count: args.count, warmup: 0, concurrency: args.concurrency, budgetMs: args.budgetMs }, () => {
    const a = pick(rng, mine);
    const rows = resultRows(world, [at(a), at(other(rng, mine, a))], args.week, rng);
    return { send: () => boards.write(rows) };
  });
  const cpu = process.cpuUsage(cpu0);
  const state: WrittenState[] = [];
  world.written.forEach((w, i) => {
    if (w) state.push([i, world.xp[i], world.weekly[i], world.rating[i], world.version[i]]);
  });
  redis.disconnect();
  send({ type: "done", phase, cpuMs: (cpu.user + cpu.system) / 1000, state });
}

process.once("message", (command: WriterCommand) => {
  if (command.type !== "start") return;
  start(command.args).catch((err: unknown) => send({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
});
process.on("disconnect", () => process.exit(0));
