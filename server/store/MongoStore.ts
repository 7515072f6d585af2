import { MongoClient, MongoServerError, type Collection, type Db } from "mongodb";
import { AppError } from "../errors";
import { BoardSinkError, boardScores, type BoardRef, type BoardRow, type BoardSink, type LeaderboardEntry } from "../boards";
import { START_RATING } from "../../rooms/word-duel/worth.rules";
import { APPLIED_MEMORY, COUNT_FIELDS, addCounts, totalOf, emptyProgress, leagueWeekOfPlan, levelForXp, planMatch, wordKey, type MatchPlan, type Progress, type UserDelta, type WordStat } from "../progress.rules";
import type { MatchResult } from "../../rooms/shared/match-result";
import type { SeedLearner, Serialize, Store, UserRecord } from "./store";
import { delay } from "../waiting";
import type { ReviewCard } from "../review.rules";
import { DEFAULT_LEAGUES, leagueWeek, type LeagueSettings } from "../leagues.rules";
import { MongoLeagues } from "./MongoLeagues";
import { MongoOfflineXp } from "./offline-xp";
import { MongoBoards } from "./MongoBoards";
import type { StoreOptions } from "./MemoryStore";

type UserDoc = UserRecord & { _id: string };
/** Usernames are claimed in their own collection, keyed by lower case (portable: no partial indexes). */
type UsernameDoc = { _id: string; userId: string };
type ProgressDoc = Omit<Progress, "level"> & { _id: string };
type MatchDoc = { _id: string; plan: MatchPlan; status: "pending" | "applied"; createdAt: Date; result: MatchResult };

const DUPLICATE_KEY = 11000;
/** How long one operation of a maintenance read may take (board rebuilds). */
const MAINTENANCE_SOCKET_MS = 600_000;

const isDuplicate = (err: unknown) => err instanceof MongoServerError && err.code === DUPLICATE_KEY;

/** An upsert whose filter did not match an existing document: the insert's duplicate key means "already there". */
async function upsertIgnoringExisting(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (!isDuplicate(err)) throw err;
  }
}

/** Test hooks that simulate a crash half-way through recording a result. */
export interface MongoStoreFaults {
  afterUserApplied?(userId: string): void;
}

/** How a MongoDB store is cut (leagues) and which crashes it simulates (tests). */
export interface MongoStoreOptions extends StoreOptions {
  faults?: MongoStoreFaults;
}

/**
 * The MongoDB store of record. Exactly-once without multi-document transactions (FerretDB
 * and standalone servers have none): a result's plan is stored first under its unique
 * matchId, then each learner's update is conditional on the matchId not being in their
 * `applied` list, and leaderboard rows are set to absolute values. Any step can be retried,
 * by the same call, a duplicate call or `resumePending` after a crash, and lands once.
 */
export class MongoStore implements Store {
  readonly durable = true;
  readonly leagues: MongoLeagues;
  readonly offlineXp: MongoOfflineXp;
  /** The leaderboard rows (and what the Redis boards are rebuilt from). */
  readonly boards: MongoBoards;
  private readonly faults: MongoStoreFaults;
  private readonly settings: LeagueSettings;
  private sink?: BoardSink;

  /** A second client for long maintenance reads (board rebuilds), made on first use. */
  private maintenance?: MongoClient;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    options: MongoStoreOptions = {},
    private readonly where?: { url: string; dbName: string; timeoutMs: number },
  ) {
    this.faults = options.faults ?? {};
    this.settings = options.leagues ?? DEFAULT_LEAGUES;
    this.leagues = new MongoLeagues(db, this.settings);
    this.offlineXp = new MongoOfflineXp(db);
    this.boards = new MongoBoards(db, () => this.maintenanceDb());
  }

  /**
   * The database through a client whose operations may take up to MAINTENANCE_SOCKET_MS: a
   * rebuild's cursor over a million rows (its first batch waits for a whole collection scan
   * on FerretDB) must not fail at the learners' 30 s.
   */
  private maintenanceDb(): Db {
    if (!this.where) return this.db;
    this.maintenance ??= new MongoClient(this.where.url, { ...MongoStore.clientOptions(this.where.timeoutMs), socketTimeoutMS: MAINTENANCE_SOCKET_MS });
    return this.maintenance.db(this.where.dbName);
  }

  /** Connects and creates the collections' indexes (idempotent). */
  static async connect(url: string, dbName: string, options?: MongoStoreOptions, timeoutMs = 3000): Promise<MongoStore> {
    const client = new MongoClient(url, MongoStore.clientOptions(timeoutMs));
    await client.connect();
    const store = new MongoStore(client, client.db(dbName), options, { url, dbName, timeoutMs });
    await store.ensureIndexes();
    return store;
  }

  /**
   * A store that serves at once, whether MongoDB answers yet or not: the driver connects on
   * the first operation (each fails after `timeoutMs` while the database is away), and the
   * indexes are made in the background, retried until the database answers.
   */
  static open(url: string, dbName: string, log: { info(o: object, m: string): void; warn(o: object, m: string): void }, timeoutMs = 3000, options?: StoreOptions): MongoStore {
    const client = new MongoClient(url, MongoStore.clientOptions(timeoutMs));
    const store = new MongoStore(client, client.db(dbName), options, { url, dbName, timeoutMs });
    void (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await store.ensureIndexes();
          log.info({ db: dbName }, "store: MongoDB answers; indexes ready");
          return;
        } catch (err) {
          if (store.closed) return;
          if (attempt === 1) log.warn({ err: (err as Error).message }, "store: MongoDB not reachable yet; serving meanwhile (results wait in the outbox), retrying");
          await delay(Math.min(500 * attempt, 5000));
        }
      }
    })();
    return store;
  }

  private static clientOptions(timeoutMs: number) {
    // socketTimeoutMS: an operation on a database that stopped answering (not closed) fails
    // instead of holding its learner's writes forever.
    return { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs, socketTimeoutMS: 30_000 };
  }

  private closed = false;

  private get users(): Collection<UserDoc> {
    return this.db.collection<UserDoc>("users");
  }
  private get usernames(): Collection<UsernameDoc> {
    return this.db.collection<UsernameDoc>("usernames");
  }
  private get progressDocs(): Collection<ProgressDoc> {
    return this.db.collection<ProgressDoc>("progress");
  }
  private get matches(): Collection<MatchDoc> {
    return this.db.collection<MatchDoc>("matches");
  }


  private async ensureIndexes(): Promise<void> {
    await this.matches.createIndex({ status: 1 });
    await this.users.createIndex({ guest: 1, expiresAt: 1 });
    await this.boards.ensureIndexes();
    await this.leagues.ensureIndexes();
    await this.offlineXp.ensureIndexes();
  }

  get boardSource(): MongoBoards {
    return this.boards;
  }

  setBoardSink(sink: BoardSink): void {
    this.sink = sink;
  }

  private static user(doc: UserDoc | null): UserRecord | null {
    if (!doc) return null;
    const { _id, ...user } = doc;
    return { ...user, id: _id };
  }

  /** Claims a username for a user id; AUTH_USERNAME_TAKEN when someone has it. */
  private async claimUsername(username: string, userId: string): Promise<void> {
    try {
      await this.usernames.insertOne({ _id: username.toLowerCase(), userId });
    } catch (err) {
      if (isDuplicate(err)) throw new AppError("AUTH_USERNAME_TAKEN", `the username "${username}" is taken`);
      throw err;
    }
  }

  async createUser(user: UserRecord): Promise<UserRecord> {
    if (user.username) await this.claimUsername(user.username, user.id);
    await this.users.insertOne({ ...user, _id: user.id });
    return { ...user };
  }

  async userById(id: string): Promise<UserRecord | null> {
    return MongoStore.user(await this.users.findOne({ _id: id }));
  }

  async userByUsername(username: string): Promise<UserRecord | null> {
    const claim = await this.usernames.findOne({ _id: username.toLowerCase() });
    return claim ? this.userById(claim.userId) : null;
  }

  async upgradeGuest(id: string, account: { username: string; passwordHash: string }): Promise<UserRecord> {
    const guest = await this.users.findOne({ _id: id, guest: true });
    if (!guest) throw new AppError("BAD_REQUEST", "only a guest can be turned into an account");
    await this.claimUsername(account.username, id);
    const doc = await this.users.findOneAndUpdate({ _id: id }, { $set: { ...account, name: account.username, guest: false }, $unset: { expiresAt: "" } }, { returnDocument: "after" });
    await this.boards.rename(id, account.username);
    await this.leagues.rename(id, account.username);
    await this.sink?.rename?.(id, account.username);
    return MongoStore.user(doc)!;
  }

  async setUiLanguage(id: string, uiLang: string): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { uiLang } });
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { passwordHash } });
  }

  async deleteExpiredGuests(now: number, limit: number, keep: readonly string[] = []): Promise<number> {
    const expired = { guest: true, expiresAt: { $lt: now } };
    const ids = (await this.users.find({ ...expired, _id: { $nin: [...keep] } }, { projection: { _id: 1 } }).limit(limit).toArray()).map((u) => u._id);
    if (ids.length === 0) return 0;
    return (await this.users.deleteMany({ ...expired, _id: { $in: ids } })).deletedCount;
  }

  async recordMatch(result: MatchResult): Promise<boolean> {
    const existing = await this.matches.findOne({ _id: result.matchId });
    if (existing?.status === "applied") return false;
    const plan = existing?.plan ?? (await this.storePlan(result));
    await this.applyPlan(plan);
    return true;
  }

  /** Plans against the progress as it is now and stores the plan; a concurrent or earlier plan wins. */
  private async storePlan(result: MatchResult): Promise<MatchPlan> {
    const ids = result.players.filter((p) => !p.isBot).map((p) => p.userId);
    // Only what planning reads: not the applied ids or the word stats, which grow; of the
    // review cards, only those of the words asked.
    const cards = Object.fromEntries(result.players.flatMap((p) => (p.words ?? []).map((w) => [`reviews.${result.lang}.${wordKey(w.prompt)}`, 1])));
    const [progress, users] = await Promise.all([
      this.progressDocs.find({ _id: { $in: ids } }, { projection: { streak: 1, lastPlayedDay: 1, ratings: 1, ...cards } }).toArray(),
      this.users.find({ _id: { $in: ids } }, { projection: { timeZone: 1 } }).toArray(),
    ]);
    const before = new Map(progress.map((p) => [p._id, { ...emptyProgress(p._id), ...p } as Progress]));
    const zones = new Map(users.map((u) => [u._id, u.timeZone ?? "UTC"]));
    const plan = planMatch(result, before, zones, (t) => leagueWeek(t, this.settings).id);
    try {
      await this.matches.insertOne({ _id: result.matchId, plan, status: "pending", createdAt: new Date(), result });
      return plan;
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      return (await this.matches.findOne({ _id: result.matchId }))!.plan;
    }
  }

  private async applyPlan(plan: MatchPlan): Promise<void> {
    const rows: BoardRow[] = [];
    for (const delta of plan.users) {
      await this.applyDelta(plan, delta);
      // A guest who played is kept for good (idempotent: a retry unsets nothing new).
      await this.users.updateOne({ _id: delta.userId, expiresAt: { $exists: true } }, { $unset: { expiresAt: "" } });
      this.faults.afterUserApplied?.(delta.userId);
      rows.push(...(await this.applyRows(plan, delta)));
    }
    // Before the match counts as applied: a sink that fails (Redis away) fails the step, and
    // its retry writes the same rows again.
    await this.sink?.write(rows).catch((err) => Promise.reject(new BoardSinkError(err)));
    await this.matches.updateOne({ _id: plan.matchId }, { $set: { status: "applied" } });
  }

  /**
   * A learner's board rows and league XP after a result: absolute values read back after the
   * update, each written only over an older version, so a retry sets the same and a write
   * read before a newer one (another process) changes nothing.
   */
  private async applyRows(plan: MatchPlan, delta: UserDelta): Promise<BoardRow[]> {
    const week = leagueWeekOfPlan(plan);
    const [doc, user] = await Promise.all([
      this.progressDocs.findOne({ _id: delta.userId }, { projection: { xp: 1, xpByLang: 1, ratings: 1, [`weekly.${plan.week}`]: 1, [`leagueXp.${week}`]: 1, league: 1, boardVersion: 1 } }),
      this.users.findOne({ _id: delta.userId }, { projection: { name: 1 } }),
    ]);
    const progress = { ...emptyProgress(delta.userId), ...doc } as Progress;
    const name = user?.name ?? delta.name;
    const version = progress.boardVersion ?? 0;
    const rows = boardScores(progress, plan.lang, plan.week).map((s) => ({ ...s, userId: delta.userId, name, version }));
    await Promise.all(rows.map((r) => this.boards.setRow(r)));
    await this.leagues.score({ week, userId: delta.userId, name, xp: progress.leagueXp?.[week] ?? 0, version }, progress.league?.tier ?? 0);
    return rows;
  }

  /** One learner's update, applied only if this match is not in their `applied` list yet. */
  private async applyDelta(plan: MatchPlan, d: UserDelta): Promise<void> {
    const inc: Record<string, number> = { xp: d.xp, duels: d.duels, wins: d.wins, [`xpByLang.${plan.lang}`]: d.xp, [`leagueXp.${leagueWeekOfPlan(plan)}`]: d.xp, boardVersion: 1 };
    inc[`weekly.${plan.week}.global`] = d.xp;
    inc[`weekly.${plan.week}.${plan.lang}`] = d.xp;
    const set: Record<string, unknown> = { userId: d.userId, streak: d.streak };
    for (const w of d.words) {
      for (const f of COUNT_FIELDS) {
        const field = `words.${plan.lang}.${w.key}.${f}`;
        // seen and missed always (a word right at once shows missed 0), the rest when counted.
        if (w[f] || f === "seen" || f === "missed") inc[field] = (inc[field] ?? 0) + (w[f] ?? 0);
      }
    }
    const rating = `ratings.${plan.lang}`;
    if (d.ratingChange !== undefined) {
      // The rating moves by a difference ($inc, atomic), from START_RATING for a first rated
      // match: the field is made first if missing (idempotent: only where it is missing). A
      // learner who had a rating when the match was planned has it still: no write needed.
      if (!d.ratingKnown) await upsertIgnoringExisting(() => this.progressDocs.updateOne({ _id: d.userId, [rating]: { $exists: false } }, { $set: { [rating]: START_RATING, userId: d.userId } }, { upsert: true }));
      inc[rating] = d.ratingChange;
    } else if (d.rating !== undefined) set[rating] = d.rating; // a plan stored before ratingChange
    // The later day wins: an older result applied late does not move it back.
    const update = { $inc: inc, $set: set, $max: { lastPlayedDay: d.lastPlayedDay }, $push: { applied: { $each: [plan.matchId], $slice: -APPLIED_MEMORY } } };
    const filter = { _id: d.userId, applied: { $ne: plan.matchId } };
    try {
      await this.progressDocs.updateOne(filter, update, { upsert: true });
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      // The learner's document exists (made by this match earlier, or concurrently by
      // another): update it without upserting; no match means this result is already in.
      await this.progressDocs.updateOne(filter, update);
    }
    await this.applyCards(plan, d);
  }

  /**
   * The review cards after this match's answers, each written only over an older one (by its
   * last review): idempotent without the `applied` check (a retry writes nothing new), and a
   * plan resumed late, after a newer result of the learner, never moves a card back.
   */
  private async applyCards(plan: MatchPlan, d: UserDelta): Promise<void> {
    const latest = new Map<string, ReviewCard>();
    for (const w of d.words) if (w.card) latest.set(w.key, w.card);
    if (latest.size === 0) return;
    await this.progressDocs.bulkWrite(
      [...latest].map(([key, card]) => {
        const field = `reviews.${plan.lang}.${key}`;
        return { updateOne: { filter: { _id: d.userId, $or: [{ [field]: { $exists: false } }, { [`${field}.last`]: { $lt: card.last } }] }, update: { $set: { [field]: card } } } };
      }),
      { ordered: false },
    );
  }

  /** Bulk inserts (unordered) of the documents the other methods read and write. */
  async seedLearners(learners: readonly SeedLearner[]): Promise<void> {
    if (learners.length === 0) return;
    const claims: UsernameDoc[] = learners.flatMap(({ user }) => (user.username ? [{ _id: user.username.toLowerCase(), userId: user.id }] : []));
    const users: UserDoc[] = learners.map(({ user }) => ({ ...user, _id: user.id }));
    const progress: ProgressDoc[] = learners.map(({ user, progress: { level: _level, ...rest } }) => ({ ...rest, userId: user.id, _id: user.id }));
    const rows: BoardRow[] = learners.flatMap(({ user, boards }) => boards.map((b) => ({ board: b.board, period: b.period, userId: user.id, name: user.name, score: b.score, version: 0 })));
    const taken = (code: "AUTH_USERNAME_TAKEN" | "BAD_REQUEST", what: string) => (err: unknown) => {
      throw isDuplicate(err) ? new AppError(code, `${what} taken already`) : err;
    };
    // Usernames first: a taken one stops the seed before any account is written.
    if (claims.length > 0) await this.usernames.insertMany(claims, { ordered: false }).catch(taken("AUTH_USERNAME_TAKEN", "a username is"));
    await this.users.insertMany(users, { ordered: false }).catch(taken("BAD_REQUEST", "a learner id is"));
    await this.progressDocs.insertMany(progress, { ordered: false });
    await this.boards.seed(rows);
  }

  /** Finishes every pending match it can; one that fails stays pending and does not stop the others. */
  async resumePending(serialize: Serialize = (_, write) => write(), olderThanMs?: number): Promise<number> {
    const pending = await this.matches.find(olderThanMs === undefined ? { status: "pending" } : { status: "pending", createdAt: { $lt: new Date(Date.now() - olderThanMs) } }).toArray();
    let resumed = 0;
    const failed: { matchId: string; err: string }[] = [];
    for (const m of pending) {
      try {
        await serialize(m.plan.users.map((u) => u.userId), () => this.applyPlan(m.plan));
        resumed += 1;
      } catch (err) {
        failed.push({ matchId: m._id, err: (err as Error).message });
      }
    }
    if (failed.length > 0) throw Object.assign(new Error(`${failed.length} pending result(s) could not be finished yet`), { resumed, failed });
    return resumed;
  }

  async progress(userId: string): Promise<Progress> {
    const doc = await this.progressDocs.findOne({ _id: userId });
    const { _id, ...rest } = doc ?? { _id: userId };
    const progress = { ...emptyProgress(userId), ...rest, userId } as Progress;
    progress.level = levelForXp(progress.xp);
    return progress;
  }

  /**
   * Streams the learners who have counts in `lang` (only that part of their documents) and
   * sums them here: portable (FerretDB has no $objectToArray), and an admin's report, not a
   * player's request. A report over millions of learners would keep running totals instead.
   */
  async wordTotals(lang: string): Promise<Record<string, WordStat>> {
    const totals: Record<string, WordStat> = {};
    const field = `words.${lang}`;
    const cursor = this.progressDocs.find({ [field]: { $exists: true } }, { projection: { [field]: 1 }, batchSize: 500 });
    for await (const doc of cursor) {
      for (const [key, stat] of Object.entries(doc.words?.[lang] ?? {})) addCounts(totalOf(totals, key), stat);
    }
    return totals;
  }

  top(ref: BoardRef, limit: number): Promise<LeaderboardEntry[]> {
    return this.boards.top(ref, limit);
  }

  around(ref: BoardRef, userId: string, span: number): Promise<LeaderboardEntry[] | null> {
    return this.boards.around(ref, userId, span);
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.maintenance?.close();
    await this.client.close();
  }
}

