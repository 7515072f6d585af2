/**
 * The rebuild of the global board in Redis, timed. The product's path: at start-up the server
 * counts the boards in MongoDB (MongoBoards.boardCounts), finds the global board missing in
 * Redis and refills it from a MongoDB cursor into a side set (`…:tz`), then swaps it in and
 * sets the ready marker (`lb:{global|alltime}:ready`, holding the database's board
 * generation). The bench polls the marker and the side set (a progress line every few
 * seconds) and reads the server's log lines ("boards: rebuilt from MongoDB", rows and ms).
 *
 * Before the server starts, the bench times boardCounts itself on a connection without the
 * store's 30 s socket timeout. With --rebuild bench, once the server's own check has failed,
 * it runs the same rebuild with the server's code (RedisBoards.rebuild from
 * MongoBoards.boardRows).
 */
import type Redis from "ioredis";
import { MongoClient } from "mongodb";
import { isoWeek } from "../../server/progress.rules";
import { createLogger } from "../../server/logger";
import { MongoBoards } from "../../server/store/MongoBoards";
import { RedisBoards } from "../../server/store/RedisBoards";
import type { BoardsServer } from "./boards-infra";
import { PROGRESS_EVERY_MS } from "./boards-phase";
import { msSince, note, nowNs } from "./measure";
import { GLOBAL } from "./results-data";

/** The global all-time board's keys (server/store/RedisBoards.ts keysOf: one hash tag per board). */
export const GLOBAL_KEYS = { z: "lb:{global|alltime}:z", tz: "lb:{global|alltime}:tz", ready: "lb:{global|alltime}:ready" };

export interface RebuildFigures {
  by: "server" | "bench";
  /** Spawn → GET /readyz answered 200. */
  readyzMs: number;
  /** Spawn → the ready marker set (reads go to Redis from then on). */
  readyMs: number;
  /** Rows read and ms from taking the lock to the swap (the server's log line, or the bench's clock). */
  rows: number;
  rebuildMs: number;
  /** Rows on the board once ready. */
  zcard: number;
  /** MongoBoards.boardCounts timed by the bench before the server started (no socket timeout). */
  countsMs: number;
  /** With --rebuild bench: what the server's check said, and when. */
  serverFailure?: { atMs: number; err: string };
}

const POLL_MS = 200;

/** Whether a ready marker names this database: the generation alone, or followed by the Redis run id (RedisBoards's two forms). */
export const namesDatabase = (marker: string | null, generation: string) => marker === generation || (marker ?? "").startsWith(`${generation} `);
const isFailedCheck = (msg: string) => msg.startsWith("boards: could not check");

/** The side set's growth every few seconds while `until` runs. */
async function progress<T>(redis: Redis, t0: number, until: Promise<T>): Promise<T> {
  let done = false;
  void until.finally(() => (done = true)).catch(() => undefined);
  let [lastAt, lastRows] = [Date.now(), 0];
  while (!done) {
    await Promise.race([until.catch(() => undefined), new Promise((r) => setTimeout(r, PROGRESS_EVERY_MS))]);
    if (done) break;
    const rows = await redis.zcard(GLOBAL_KEYS.tz);
    note(`  rebuild: +${((Date.now() - t0) / 1000).toFixed(0)} s, side set ${rows.toLocaleString("en")} rows (${((rows - lastRows) / ((Date.now() - lastAt) / 1000)).toFixed(0)} rows/s)`);
    [lastAt, lastRows] = [Date.now(), rows];
  }
  return until;
}

/**
 * Waits (at most `budgetMs` from the spawn) until the server made the global board ready with
 * `generation`; resolves with the server's failure instead once its check failed `failAfter`
 * times; throws at the budget or when the server exits.
 */
export async function waitForServer(server: BoardsServer, redis: Redis, generation: () => Promise<string>, budgetMs: number, failAfter: number): Promise<{ readyMs: number; rows: number; rebuildMs: number } | { failed: { atMs: number; err: string }; count: number }> {
  const t0 = server.spawnedAt;
  let seen = 0;
  const poll = async () => {
    for (;;) {
      for (; seen < server.lines.length; seen++) {
        const { level, msg, at, ...rest } = server.lines[seen];
        note(`  server at +${((at - t0) / 1000).toFixed(1)} s [${level}] ${msg} ${JSON.stringify({ rows: rest.rows, ms: rest.ms, board: rest.board, err: rest.err })}`);
      }
      const ready = await redis.get(GLOBAL_KEYS.ready);
      if (ready !== null) {
        if (!namesDatabase(ready, await generation())) throw new Error(`the ready marker holds "${ready}", not this database's board generation`);
        const line = server.lines.find((l) => l.msg === "boards: rebuilt from MongoDB" && l.board === "global|alltime");
        if (!line) throw new Error('the global board is ready, but the server did not log "boards: rebuilt from MongoDB" for it');
        return { readyMs: Date.now() - t0, rows: Number(line.rows), rebuildMs: Number(line.ms) };
      }
      const failed = server.lines.filter((l) => isFailedCheck(l.msg));
      if (failed.length >= failAfter) return { failed: { atMs: failed[0].at - t0, err: String(failed[0].err) }, count: failed.length };
      if (server.proc.exited) throw new Error(`the server exited while the boards were rebuilt:\n${server.proc.output()}`);
      if (Date.now() - t0 > budgetMs) throw new Error(`the global board was not ready ${(budgetMs / 1000).toFixed(0)} s after the spawn (--budget-s)`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  return progress(redis, t0, poll());
}

/** A MongoBoards of the bench's own on a connection whose socket waits up to `budgetMs` (the store's gives up after 30 s). */
async function withBoards<T>(mongoUrl: string, dbName: string, budgetMs: number, use: (source: MongoBoards) => Promise<T>): Promise<T> {
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5000, socketTimeoutMS: budgetMs });
  try {
    return await use(new MongoBoards(client.db(dbName)));
  } finally {
    await client.close();
  }
}

/** How long MongoBoards.boardCounts takes (what the server's start-up check counts first: every board of this week, last week and all time). */
export async function timeBoardCounts(mongoUrl: string, dbName: string, redis: Redis, budgetMs: number): Promise<number> {
  return withBoards(mongoUrl, dbName, budgetMs, async (source) => {
    const t0 = nowNs();
    const now = Date.now();
    const counts = await progress(redis, Date.now(), source.boardCounts(["alltime", isoWeek(now), isoWeek(now - 7 * 86_400_000)]));
    const ms = msSince(t0);
    note(`  boardCounts: ${(ms / 1000).toFixed(1)} s (${counts.map((c) => `${c.ref.board}|${c.ref.period} ${c.rows}`).join(", ")})`);
    return ms;
  });
}

/** The bench's own rebuild of the global board with the server's code: RedisBoards.rebuild (lock, cursor into the side set, swap, ready marker). */
export async function benchRebuild(mongoUrl: string, dbName: string, redis: Redis, budgetMs: number): Promise<{ rows: number; rebuildMs: number }> {
  return withBoards(mongoUrl, dbName, budgetMs, async (source) => {
    const boards = new RedisBoards(redis, source, createLogger({ LOG_LEVEL: "warn" }, process.stderr), { weeklyKeepMs: 14 * 86_400_000, now: Date.now, owner: `bench-${process.pid}`, lockMs: budgetMs });
    const t0 = nowNs();
    if (!(await progress(redis, Date.now(), boards.rebuild(GLOBAL)))) throw new Error("RedisBoards.rebuild did not swap the board in (another process holds the lock?)");
    return { rows: await redis.zcard(GLOBAL_KEYS.z), rebuildMs: msSince(t0) };
  });
}
