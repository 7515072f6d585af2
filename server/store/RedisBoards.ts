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
import { loudOnce, Periodic } from "../Periodic";
import { READ, RENEW, SET_ROWS, SWAP } from "./redis-boards.lua";

/** What the boards are rebuilt from (MongoStore). */
export interface BoardSource {
  /** The id of the database the rows come from, made once: a Redis holding another database's boards is rebuilt. */
  boardGeneration(): Promise<string>;
  /** Every row of these boards, in batches (one pass over the rows for all of them). */
  boardRows(refs: readonly BoardRef[], batch: number): AsyncIterable<BoardRow[]>;
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
  /** The catalog's languages: which boards there are (none: `global` and the boards written). */
  langs?: () => readonly string[];
}

/** The first and the longest wait before a failed rebuild is tried again. */
const RETRY_MIN_MS = 30_000;
const RETRY_MAX_MS = 600_000;

const NAMES = "lb:names";

type Scripted = Redis & {
  /** SET_ROWS: the number of keys, then the keys and arguments. */
  lbSet(keys: number, ...args: (string | number)[]): Promise<number>;
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
  /** Boards this process wrote beyond the catalog's (checked too, until their week is past keeping). */
  private readonly known = new Map<string, BoardRef>();
  private stopped = false;
  private readonly looks = new Periodic(
    () => this.check(),
    loudOnce(this.log, "boards: could not check the Redis boards; reading MongoDB meanwhile, trying again at every check", "boards: the Redis boards are checked again"),
  );
  /** Boards whose last rebuild failed: when to try again, and how long the last wait was. */
  private readonly retry = new Map<string, { at: number; wait: number }>();

  constructor(
    redis: Redis,
    private readonly source: BoardSource,
    private readonly log: Logger,
    private readonly opts: RedisBoardsOptions,
  ) {
    redis.defineCommand("lbSet", { lua: SET_ROWS });
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

  /** Sets a result's rows (one script call); rejects when Redis did not take them. */
  async write(rows: readonly BoardRow[]): Promise<void> {
    const boards = new Map<string, { ref: BoardRef; rows: BoardRow[] }>();
    for (const row of rows) {
      if (this.expired(row)) continue; // a late result of a week long gone
      const key = boardKey(row);
      if (!boards.has(key)) boards.set(key, { ref: { board: row.board, period: row.period }, rows: [] });
      boards.get(key)!.rows.push(row);
    }
    if (boards.size === 0) return;
    for (const [key, { ref }] of boards) this.known.set(key, ref);
    await this.redis.lbSet(...this.setArgs("live", [...boards.values()]));
  }

  /** A learner's new display name on every board. */
  async rename(userId: string, name: string): Promise<void> {
    await this.redis.hset(NAMES, userId, name);
  }

  /** SET_ROWS's keys and arguments for rows of some boards (each learner's name once). */
  private setArgs(mode: "live" | "tmp", boards: readonly { ref: BoardRef; rows: readonly BoardRow[] }[]): Parameters<Scripted["lbSet"]> {
    const keys: string[] = [NAMES];
    const args: (string | number)[] = [mode];
    const named = new Set<string>();
    for (const { ref, rows } of boards) {
      const k = keysOf(ref);
      keys.push(k.z, k.v, k.building, k.tz, k.tv);
      args.push(kindOf(ref), this.expireAt(ref), rows.length);
      for (const r of rows) {
        args.push(r.userId, 0 - r.score, r.version, named.has(r.userId) ? "" : r.name);
        named.add(r.userId);
      }
    }
    return [keys.length, ...keys, ...args];
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
      rows.push({ rank: first + rows.length, userId: String(reply[i]), name: String(reply[i + 2]), score: 0 - Number(reply[i + 1]) });
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
   * The boards kept here: every board of all time, this week and last week for the catalog's
   * languages, and any other this process wrote (a late result of an older week).
   */
  private boards(): BoardRef[] {
    const now = this.opts.now();
    const weeks = ["alltime", isoWeek(now), isoWeek(now - 7 * 86_400_000)];
    const refs = new Map<string, BoardRef>(this.known);
    const langs = this.opts.langs?.() ?? [];
    for (const board of ["global", ...langs]) for (const period of weeks) refs.set(`${board}|${period}`, { board, period });
    for (const lang of langs) refs.set(`rating-${lang}|alltime`, { board: `rating-${lang}`, period: "alltime" });
    for (const [key, ref] of refs) if (this.expired(ref)) refs.delete(key);
    return [...refs.values()];
  }

  /**
   * Reads every board's marker (Redis only) and rebuilds, in one pass over MongoDB, those
   * without the current one: a board never built, flushed, kept through a Redis restart or
   * failover, or of another database. Boards whose rebuild failed wait a while before the
   * next try. Resolves with the boards this process swapped in.
   */
  async check(): Promise<string[]> {
    const marker = await this.marker();
    const refs = this.boards();
    const pipeline = this.redis.pipeline();
    for (const ref of refs) pipeline.get(keysOf(ref).ready);
    const replies = (await pipeline.exec()) ?? [];
    const stale = refs.filter((ref, i) => replies[i]?.[1] !== marker && (this.retry.get(boardKey(ref))?.at ?? 0) <= Date.now());
    if (stale.length === 0 || this.stopped) return [];
    try {
      const rebuilt = await this.rebuildAll(stale, marker);
      for (const ref of stale) this.retry.delete(boardKey(ref));
      return rebuilt;
    } catch (err) {
      const wait = Math.min(2 * (this.retry.get(boardKey(stale[0]))?.wait ?? RETRY_MIN_MS / 2), RETRY_MAX_MS);
      for (const ref of stale) this.retry.set(boardKey(ref), { at: Date.now() + wait, wait });
      this.log.warn({ err: (err as Error).message, boards: stale.length, retryInMs: wait }, "boards: a rebuild failed; reading MongoDB for those boards meanwhile");
      return [];
    }
  }

  /** Rebuilds one board from MongoDB unless another process is at it; true when this one swapped it in. */
  async rebuild(ref: BoardRef): Promise<boolean> {
    return (await this.rebuildAll([ref], await this.marker())).includes(boardKey(ref));
  }

  /**
   * Rebuilds boards in one cursor over MongoDB (a scan per board costs a whole collection
   * scan each on FerretDB): each board this process can lock is filled into its side set
   * while live writes land there too, then swapped in. Resolves with those swapped in.
   */
  private async rebuildAll(refs: readonly BoardRef[], marker: string): Promise<string[]> {
    const { owner } = this.opts;
    const lockMs = this.opts.lockMs ?? 30_000;
    const locking = this.redis.pipeline();
    for (const ref of refs) locking.set(keysOf(ref).building, owner, "PX", lockMs, "NX");
    const locked = ((await locking.exec()) ?? []).map((reply) => reply[1] === "OK");
    let mine = refs.filter((_, i) => locked[i]);
    if (mine.length === 0) return [];
    const started = Date.now();
    const rows = new Map<string, number>(mine.map((ref) => [boardKey(ref), 0]));
    try {
      await this.redis.del(...mine.flatMap((ref) => [keysOf(ref).tz, keysOf(ref).tv]));
      for await (const batch of this.source.boardRows(mine, this.opts.batch ?? 5000)) {
        if (this.stopped) throw new Error("stopping");
        mine = await this.renew(mine, lockMs); // a lock lost (expired, taken): that board is another's now
        const byBoard = new Map<string, { ref: BoardRef; rows: BoardRow[] }>(mine.map((ref) => [boardKey(ref), { ref, rows: [] }]));
        for (const row of batch) byBoard.get(boardKey(row))?.rows.push(row);
        const some = [...byBoard.values()].filter((b) => b.rows.length > 0);
        if (some.length > 0) await this.redis.lbSet(...this.setArgs("tmp", some));
        for (const b of some) rows.set(boardKey(b.ref), (rows.get(boardKey(b.ref)) ?? 0) + b.rows.length);
      }
      const swapping = this.scriptedPipeline();
      for (const ref of mine) {
        const k = keysOf(ref);
        swapping.lbSwap(k.z, k.v, k.building, k.tz, k.tv, k.ready, owner, marker, this.expireAt(ref));
      }
      const replies = (await swapping.exec()) ?? [];
      const done = mine.filter((_, i) => replies[i]?.[1] === 1).map(boardKey);
      for (const key of done) this.log.info({ board: key, rows: rows.get(key), ms: Date.now() - started }, "boards: rebuilt from MongoDB");
      return done;
    } catch (err) {
      await this.release(mine);
      throw err;
    }
  }

  /** A pipeline that also knows the board scripts (ioredis adds them to pipelines at run time). */
  private scriptedPipeline(): Scripted & { exec(): Promise<[Error | null, unknown][] | null> } {
    return this.redis.pipeline() as unknown as Scripted & { exec(): Promise<[Error | null, unknown][] | null> };
  }

  /** Renews this process's locks of `refs`; resolves with the boards still locked by it. */
  private async renew(refs: readonly BoardRef[], lockMs: number): Promise<BoardRef[]> {
    const pipeline = this.scriptedPipeline();
    for (const ref of refs) pipeline.lbRenew(keysOf(ref).building, this.opts.owner, lockMs);
    const replies = (await pipeline.exec()) ?? [];
    return refs.filter((_, i) => replies[i]?.[1] === 1);
  }

  /** Gives back the locks of a rebuild that failed (only those still this process's). */
  private async release(refs: readonly BoardRef[]): Promise<void> {
    for (const ref of refs) {
      const k = keysOf(ref).building;
      if ((await this.redis.get(k).catch(() => null)) === this.opts.owner) await this.redis.del(k).catch(() => undefined);
    }
  }

  /** A check now, then one every `everyMs`; a check that fails (Redis or MongoDB away) is logged and tried again. */
  start(everyMs: number): void {
    this.looks.start(everyMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.looks.stop();
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
