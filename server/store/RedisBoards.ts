/**
 * Leaderboards in Redis sorted sets (with REDIS_URL and BOARDS_REDIS=on): top N, a rank and
 * the rows around it in O(log n) for every process of the cluster. MongoDB stays the store
 * of record; Redis is an index of it, kept exact by three rules:
 *
 * 1. **Written in the exactly-once step.** MongoStore hands every result's rows to
 *    {@link RedisBoards.write} before it marks the result applied; if Redis is away the step
 *    fails as an outage and the whole result is retried (the outbox keeps it), so a row is
 *    never in MongoDB but missing here for good. Rows are absolute values, so a replay
 *    changes nothing; XP boards keep the higher score (XP only grows) and rating boards the
 *    higher version (the learner's boardVersion), so a write read before a newer one — two
 *    processes, or a rebuild — never wins.
 * 2. **Rebuilt when missing or stale.** A board's ready marker names the database's
 *    generation id and the Redis server's run id (a new one at every Redis start and on a
 *    failover to a replica: the moments Redis can lose writes it acknowledged). At start-up a
 *    process compares each board of this and last week and all time with MongoDB — the
 *    marker, and the row count — and rebuilds what differs, in the background; every
 *    BOARDS_CHECK_MS it reads the markers again (a flushed Redis has none; a restarted one
 *    has old ones). A board with no marker of this database is read from MongoDB; one kept
 *    through a Redis restart is read as it is while it is rebuilt. A rebuild fills a side set
 *    from a MongoDB cursor while live writes land in both, then swaps it in, under a lock
 *    that expires if its process dies.
 * 3. **Weekly sets expire** BOARDS_WEEKLY_KEEP_DAYS after their week (MongoDB keeps the rows).
 */
import type Redis from "ioredis";
import { boardKey, weekEndsAt, type BoardRef, type BoardRow, type BoardSink, type LeaderboardEntry } from "../boards";
import { isoWeek } from "../progress.rules";
import type { Logger } from "../logger";
import { READ, RENEW, SET_ROWS, SWAP } from "./redis-boards.lua";

/** What the boards are rebuilt from (MongoStore). */
export interface BoardSource {
  /** The id of the database the rows come from, made once: a Redis holding another database's boards is rebuilt. */
  boardGeneration(): Promise<string>;
  /** Row counts of every board of these periods. */
  boardCounts(periods: readonly string[]): Promise<{ ref: BoardRef; rows: number }[]>;
  /** Every row of a board, in batches. */
  boardRows(ref: BoardRef, batch: number): AsyncIterable<BoardRow[]>;
}

export interface RedisBoardsOptions {
  /** How long a weekly board stays after its week ends. */
  weeklyKeepMs: number;
  now: () => number;
  /** Who holds a rebuild lock (this process). */
  owner: string;
  /** A rebuild lock not renewed for this long is free again. */
  lockMs?: number;
  /** Rows read from MongoDB and written here per step of a rebuild. */
  batch?: number;
}

const NAMES = "lb:names";

type Scripted = Redis & {
  lbSet(z: string, v: string, building: string, tz: string, tv: string, ...args: (string | number)[]): Promise<number>;
  lbSwap(z: string, v: string, building: string, tz: string, tv: string, ready: string, owner: string, marker: string, expireAt: number): Promise<number>;
  lbRenew(building: string, owner: string, ms: number): Promise<number>;
  lbRead(z: string, ready: string, names: string, generation: string, userId: string, n: number): Promise<(string | number)[]>;
};

/** A board's keys, all with one hash tag. */
function keysOf(ref: BoardRef) {
  const tag = `lb:{${boardKey(ref)}}`;
  return { z: `${tag}:z`, v: `${tag}:v`, building: `${tag}:building`, tz: `${tag}:tz`, tv: `${tag}:tv`, ready: `${tag}:ready` };
}

/** "max" for XP boards (scores only grow), "versioned" for rating boards. */
const kindOf = (ref: BoardRef) => (ref.board.startsWith("rating-") ? "versioned" : "max");

export class RedisBoards implements BoardSink {
  private readonly redis: Scripted;
  private generation?: string;
  /** Boards this process checks every BOARDS_CHECK_MS (seen at start-up or written since). */
  private readonly known = new Map<string, BoardRef>();
  private readonly rebuilding = new Map<string, Promise<boolean>>();
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private stopped = false;
  /** Until a full check has passed (the database may be away at start-up), every look is a full one. */
  private needFull = true;

  constructor(
    redis: Redis,
    private readonly source: BoardSource,
    private readonly log: Logger,
    private readonly opts: RedisBoardsOptions,
  ) {
    redis.defineCommand("lbSet", { numberOfKeys: 5, lua: SET_ROWS });
    redis.defineCommand("lbSwap", { numberOfKeys: 6, lua: SWAP });
    redis.defineCommand("lbRenew", { numberOfKeys: 1, lua: RENEW });
    redis.defineCommand("lbRead", { numberOfKeys: 3, lua: READ });
    this.redis = redis as Scripted;
  }

  private expireAt(ref: BoardRef): number {
    const end = weekEndsAt(ref.period);
    return end === undefined ? 0 : end + this.opts.weeklyKeepMs;
  }

  /** A weekly board past its keeping time: not kept here (MongoDB answers for it). */
  private expired(ref: BoardRef): boolean {
    const at = this.expireAt(ref);
    return at > 0 && at <= this.opts.now();
  }

  /** Sets a result's rows (one round trip); rejects when Redis did not take them all. */
  async write(rows: readonly BoardRow[]): Promise<void> {
    if (rows.length === 0) return;
    const byBoard = new Map<string, { ref: BoardRef; rows: BoardRow[] }>();
    for (const row of rows) {
      if (this.expired(row)) continue; // a late result of a week long gone
      const key = boardKey(row);
      if (!byBoard.has(key)) byBoard.set(key, { ref: { board: row.board, period: row.period }, rows: [] });
      byBoard.get(key)!.rows.push(row);
    }
    const pipeline = this.redis.pipeline() as unknown as Scripted & { exec(): Promise<[Error | null, unknown][] | null> };
    for (const [key, { ref, rows: mine }] of byBoard) {
      this.known.set(key, ref);
      pipeline.lbSet(...this.setArgs(ref, "live", mine));
    }
    if (byBoard.size === 0) return;
    pipeline.hset(NAMES, Object.fromEntries(rows.map((r) => [r.userId, r.name])));
    const results = await pipeline.exec();
    const failed = results?.find(([err]) => err);
    if (!results || failed) throw failed?.[0] ?? new Error("Redis did not run the board writes");
  }

  /** A learner's new display name on every board. */
  async rename(userId: string, name: string): Promise<void> {
    await this.redis.hset(NAMES, userId, name);
  }

  private setArgs(ref: BoardRef, mode: "live" | "tmp", rows: readonly BoardRow[]): Parameters<Scripted["lbSet"]> {
    const k = keysOf(ref);
    return [k.z, k.v, k.building, k.tz, k.tv, mode, kindOf(ref), this.expireAt(ref), ...rows.flatMap((r) => [r.userId, 0 - r.score, r.version])];
  }

  /** The best `limit` rows, or undefined when the board is not ready here (ask the store). */
  async top(ref: BoardRef, limit: number): Promise<LeaderboardEntry[] | undefined> {
    const read = await this.read(ref, "", limit);
    return read === null ? [] : read;
  }

  /** A learner's row and `span` rows each side; null when not on the board, undefined when not ready. */
  async around(ref: BoardRef, userId: string, span: number): Promise<LeaderboardEntry[] | null | undefined> {
    return this.read(ref, userId, span);
  }

  private async read(ref: BoardRef, userId: string, n: number): Promise<LeaderboardEntry[] | null | undefined> {
    if (this.generation === undefined) return undefined;
    const k = keysOf(ref);
    const reply = await this.redis.lbRead(k.z, k.ready, NAMES, this.generation, userId, n);
    if (Number(reply[0]) === 0) return undefined;
    if (Number(reply[0]) === 1) return null;
    const first = Number(reply[1]);
    const rows: LeaderboardEntry[] = [];
    for (let i = 2; i + 2 < reply.length; i += 3) {
      rows.push({ rank: first + rows.length, userId: String(reply[i]), score: 0 - Number(reply[i + 1]), name: String(reply[i + 2]) });
    }
    return rows;
  }

  /** Whether a board can be read here now (its marker names this database). */
  async ready(ref: BoardRef): Promise<boolean> {
    return this.generation !== undefined && ((await this.redis.get(keysOf(ref).ready)) ?? "").startsWith(`${this.generation} `);
  }

  /** The marker of a board rebuilt now: this database, this Redis server's life. */
  private async marker(): Promise<string> {
    this.generation ??= await this.source.boardGeneration();
    const runId = /run_id:(\w+)/.exec(await this.redis.info("server"))?.[1] ?? "unknown";
    return `${this.generation} ${runId}`;
  }

  /**
   * Compares the boards with MongoDB and rebuilds those that differ, one after the other:
   * `full` counts every board of this week, last week and all time in MongoDB (start-up);
   * otherwise only the markers of the boards this process knows are read.
   */
  async check(full: boolean): Promise<string[]> {
    const marker = await this.marker();
    const now = this.opts.now();
    for (const [key, ref] of this.known) if (this.expired(ref)) this.known.delete(key);
    const counts = (full ? await this.source.boardCounts(["alltime", isoWeek(now), isoWeek(now - 7 * 86_400_000)]) : [...this.known.values()].map((ref) => ({ ref, rows: -1 }))).filter(({ ref }) => !this.expired(ref));
    const pipeline = this.redis.pipeline();
    for (const { ref } of counts) {
      this.known.set(boardKey(ref), ref);
      pipeline.get(keysOf(ref).ready).zcard(keysOf(ref).z);
    }
    const replies = (await pipeline.exec()) ?? [];
    const stale = counts.filter(({ rows }, i) => replies[2 * i]?.[1] !== marker || (rows >= 0 && Number(replies[2 * i + 1]?.[1]) !== rows));
    const rebuilt: string[] = [];
    for (const { ref } of stale) {
      if (this.stopped) break;
      if (await this.rebuild(ref)) rebuilt.push(boardKey(ref));
    }
    return rebuilt;
  }

  /** Rebuilds one board from MongoDB unless another process is at it; true when this one swapped it in. */
  rebuild(ref: BoardRef): Promise<boolean> {
    const key = boardKey(ref);
    let running = this.rebuilding.get(key);
    if (!running) {
      running = this.rebuildOnce(ref).finally(() => this.rebuilding.delete(key));
      this.rebuilding.set(key, running);
    }
    return running;
  }

  private async rebuildOnce(ref: BoardRef): Promise<boolean> {
    const marker = await this.marker();
    const k = keysOf(ref);
    const { owner } = this.opts;
    const lockMs = this.opts.lockMs ?? 30_000;
    if ((await this.redis.set(k.building, owner, "PX", lockMs, "NX")) !== "OK") return false;
    const started = Date.now();
    let rows = 0;
    try {
      await this.redis.del(k.tz, k.tv);
      for await (const batch of this.source.boardRows(ref, this.opts.batch ?? 5000)) {
        if (this.stopped) return false;
        if ((await this.redis.lbRenew(k.building, owner, lockMs)) !== 1) return false; // lost the lock: another finishes
        const pipeline = this.redis.pipeline() as unknown as Scripted & { exec(): Promise<[Error | null, unknown][] | null> };
        pipeline.lbSet(...this.setArgs(ref, "tmp", batch));
        pipeline.hset(NAMES, Object.fromEntries(batch.map((r) => [r.userId, r.name])));
        const failed = (await pipeline.exec())?.find(([err]) => err);
        if (failed) throw failed[0];
        rows += batch.length;
      }
      const swapped = (await this.redis.lbSwap(k.z, k.v, k.building, k.tz, k.tv, k.ready, owner, marker, this.expireAt(ref))) === 1;
      if (swapped) this.log.info({ board: boardKey(ref), rows, ms: Date.now() - started }, "boards: rebuilt from MongoDB");
      return swapped;
    } catch (err) {
      await this.redis.del(k.building).catch(() => undefined);
      throw err;
    }
  }

  /** A full check now, then a quick one every `everyMs`; failures are logged and tried again. */
  start(everyMs: number): void {
    const look = (full: boolean) => {
      if (this.checking || this.stopped) return;
      this.checking = this.check(full)
        .then(() => {
          this.needFull = false;
        })
        .catch((err) => this.log.warn({ err: (err as Error).message }, "boards: could not check the Redis boards against MongoDB; reading MongoDB meanwhile, trying again"))
        .finally(() => (this.checking = undefined));
    };
    this.timer = setInterval(() => look(this.needFull), everyMs);
    this.timer.unref();
    look(true);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.checking;
  }
}

/** How routes and rooms read boards: the Redis sets when ready, else (or while Redis is away) the store. */
export interface BoardReads {
  top(ref: BoardRef, limit: number): Promise<LeaderboardEntry[]>;
  around(ref: BoardRef, userId: string, span: number): Promise<LeaderboardEntry[] | null>;
}

export function boardReads(store: BoardReads, redis?: RedisBoards, log?: Logger): BoardReads {
  if (!redis) return store;
  const fallback = (err: unknown) => {
    log?.debug({ err: (err as Error).message }, "boards: Redis read failed; reading MongoDB");
    return undefined;
  };
  return {
    top: async (ref, limit) => (await redis.top(ref, limit).catch(fallback)) ?? store.top(ref, limit),
    around: async (ref, userId, span) => {
      const rows = await redis.around(ref, userId, span).catch(fallback);
      return rows === undefined ? store.around(ref, userId, span) : rows;
    },
  };
}
