/**
 * The server's start-up rebuild of the global board in Redis, timed from outside. The
 * product's path: the server finds the global board without a current ready marker
 * (`lb:{global|alltime}:ready`, "<board generation> <Redis run id>"), refills it from a
 * MongoDB cursor into a side set (`…:tz`), then swaps it in and sets the marker. The bench
 * polls the marker and the side set (a progress line every few seconds) and, at LOG_LEVEL
 * info, reads the server's line "boards: rebuilt from MongoDB" (rows and ms).
 */
import type Redis from "ioredis";
import type { BoardsServer } from "./boards-infra";
import { PROGRESS_EVERY_MS } from "./boards-phase";
import { note } from "./measure";

/** The global all-time board's keys (server/store/RedisBoards.ts keysOf: one hash tag per board). */
export const GLOBAL_KEYS = { z: "lb:{global|alltime}:z", tz: "lb:{global|alltime}:tz", ready: "lb:{global|alltime}:ready" };

export interface RebuildFigures {
  /** Spawn → GET /readyz answered 200. */
  readyzMs: number;
  /** Spawn → the ready marker set (reads go to Redis from then on). */
  readyMs: number;
  /** Rows read and ms from taking the lock to the swap (the server's log line; at warn, spawn → ready). */
  rows: number;
  rebuildMs: number;
  /** Rows on the board once ready. */
  zcard: number;
}

const POLL_MS = 200;

/** Whether a ready marker names this database ("<generation> <Redis run id>"). */
const namesDatabase = (marker: string | null, generation: string) => (marker ?? "").startsWith(`${generation} `);

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

/** Waits (at most `budgetMs` from the spawn) until the server made the global board ready; throws at the budget or when the server exits. */
export async function waitForServer(server: BoardsServer, redis: Redis, generation: () => Promise<string>, budgetMs: number): Promise<{ readyMs: number; rows: number; rebuildMs: number }> {
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
        const readyMs = Date.now() - t0;
        const line = server.lines.find((l) => l.msg === "boards: rebuilt from MongoDB" && l.board === "global|alltime");
        return { readyMs, rows: line ? Number(line.rows) : await redis.zcard(GLOBAL_KEYS.z), rebuildMs: line ? Number(line.ms) : readyMs };
      }
      if (server.proc.exited) throw new Error(`the server exited while the boards were rebuilt:\n${server.proc.output()}`);
      if (Date.now() - t0 > budgetMs) throw new Error(`the global board was not ready ${(budgetMs / 1000).toFixed(0)} s after the spawn (--budget-s)`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  return progress(redis, t0, poll());
}
