import { randomUUID } from "node:crypto";
import { MongoServerError, type Collection, type Db } from "mongodb";
import type { BoardRef, BoardRow, LeaderboardEntry } from "../boards";
import type { BoardSource } from "./RedisBoards";

/** A board row; `version` is the learner's boardVersion it was written at (absent on rows older than it). */
type BoardDoc = { board: string; period: string; userId: string; name: string; score: number; version?: number };

const DUPLICATE_KEY = 11000;
const isDuplicate = (err: unknown) => err instanceof MongoServerError && err.code === DUPLICATE_KEY;

/**
 * MongoDB's leaderboards (`leaderboards`, unique per board, period and learner): the rows of
 * record, what `top` and `around` read without Redis, and what the Redis boards are rebuilt
 * from ({@link BoardSource}).
 */
export class MongoBoards implements BoardSource {
  constructor(
    private readonly db: Db,
    /** The database for long reads (a rebuild's cursor), with its own longer operation limit. */
    private readonly maintenance: () => Db = () => db,
  ) {}

  private get rows(): Collection<BoardDoc> {
    return this.db.collection<BoardDoc>("leaderboards");
  }

  async ensureIndexes(): Promise<void> {
    await this.rows.createIndex({ board: 1, period: 1, userId: 1 }, { unique: true });
    await this.rows.createIndex({ board: 1, period: 1, score: -1, userId: 1 });
  }

  /** A row, written only over an older version of it (or one written before versions). */
  async setRow({ board, period, userId, name, score, version }: BoardRow): Promise<void> {
    const older = { board, period, userId, $or: [{ version: { $lt: version } }, { version: { $exists: false } }] };
    const update = { $set: { score, name, version } };
    try {
      await this.rows.updateOne(older, update, { upsert: true });
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      // The row exists: set it if it is older (an insert racing this one), else it is newer.
      await this.rows.updateOne(older, update);
    }
  }

  /** A learner's new display name on every board. */
  async rename(userId: string, name: string): Promise<void> {
    await this.rows.updateMany({ userId }, { $set: { name } });
  }

  /** New rows in bulk (unordered; the seeding of benches). */
  async seed(rows: readonly BoardRow[]): Promise<void> {
    if (rows.length > 0) await this.rows.insertMany(rows.map((r) => ({ ...r })), { ordered: false });
  }

  async top(ref: BoardRef, limit: number): Promise<LeaderboardEntry[]> {
    const rows = await this.rows.find({ board: ref.board, period: ref.period }).sort({ score: -1, userId: 1 }).limit(limit).toArray();
    return rows.map((r, i) => ({ rank: i + 1, userId: r.userId, name: r.name, score: r.score }));
  }

  async around(ref: BoardRef, userId: string, span: number): Promise<LeaderboardEntry[] | null> {
    const where = { board: ref.board, period: ref.period };
    const me = await this.rows.findOne({ ...where, userId });
    if (!me) return null;
    // Rank by counting the rows ahead on the (board, period, score, userId) index.
    const ahead = { ...where, $or: [{ score: { $gt: me.score } }, { score: me.score, userId: { $lt: userId } }] };
    const behind = { ...where, $or: [{ score: { $lt: me.score } }, { score: me.score, userId: { $gt: userId } }] };
    const [count, above, below] = await Promise.all([
      this.rows.countDocuments(ahead),
      // limit(0) would mean no limit at all.
      span > 0 ? this.rows.find(ahead).sort({ score: 1, userId: -1 }).limit(span).toArray() : [],
      span > 0 ? this.rows.find(behind).sort({ score: -1, userId: 1 }).limit(span).toArray() : [],
    ]);
    const rows = [...above.reverse(), me, ...below];
    const first = count - above.length + 1;
    return rows.map((r, i) => ({ rank: first + i, userId: r.userId, name: r.name, score: r.score }));
  }

  /** The id of this database's boards, made by the first process that asks (RedisBoards's generation). */
  async boardGeneration(): Promise<string> {
    const meta = this.db.collection<{ _id: string; id: string }>("board_meta");
    const known = await meta.findOne({ _id: "generation" });
    if (known) return known.id;
    await meta.insertOne({ _id: "generation", id: randomUUID() }).catch((err) => {
      if (!isDuplicate(err)) throw err; // another process made it first
    });
    return (await meta.findOne({ _id: "generation" }))!.id;
  }

  /** Every row of these boards, `batch` at a time, in one cursor (a rebuild of the Redis boards). */
  async *boardRows(refs: readonly BoardRef[], batch: number): AsyncIterable<BoardRow[]> {
    if (refs.length === 0) return;
    const filter = { $or: refs.map((r) => ({ board: r.board, period: r.period })) };
    const cursor = this.maintenance().collection<BoardDoc>("leaderboards").find(filter, { projection: { _id: 0, board: 1, period: 1, userId: 1, name: 1, score: 1, version: 1 }, batchSize: batch });
    let rows: BoardRow[] = [];
    for await (const doc of cursor) {
      rows.push({ board: doc.board, period: doc.period, userId: doc.userId, name: doc.name, score: doc.score, version: doc.version ?? 0 });
      if (rows.length >= batch) {
        yield rows;
        rows = [];
      }
    }
    if (rows.length > 0) yield rows;
  }
}
