import { MongoServerError, type Collection, type Db } from "mongodb";
import { cohortIndex, cohortKey, parseCohortKey, type LeagueSettings } from "../leagues.rules";
import type { LeagueMoveRecord, LeagueRecord } from "../progress.rules";
import { KeyedLocks } from "../KeyedLocks";
import type { LeagueScore } from "./MemoryLeagues";
import type { LeagueJobRecord, LeagueMember, LeagueStore } from "./store";

/** One learner in one league week; `_id` is "week|userId", so every write to it is by `_id`. */
type MemberDoc = LeagueMember & { _id: string; cohortKey: string; version: number };
/** Arrivals so far in a week and tier; `_id` is "week|tier". */
type CounterDoc = { _id: string; n: number };
type JobDoc = Omit<LeagueJobRecord, "week"> & { _id: string };
type LeagueDoc = { _id: string; league?: LeagueRecord };

const DUPLICATE_KEY = 11000;
const isDuplicate = (err: unknown) => err instanceof MongoServerError && err.code === DUPLICATE_KEY;

/**
 * MongoDB's leagues: `league_members`, `league_arrivals`, `league_jobs`, and each learner's
 * `league` field in `progress`. Every write is idempotent: a placement is an insert under a
 * unique `_id` (the second one loses and updates), XP is set absolute and only by a newer
 * version, a settlement only where none of that week is, a job step is an `$addToSet`.
 * Arrival numbers come from one `$inc` per week and tier, taken one at a time in this
 * process: FerretDB loses concurrent `$inc`s of one document (STACK-NOTES), MongoDB does not.
 */
export class MongoLeagues implements LeagueStore {
  private readonly arrivalLocks = new KeyedLocks();

  constructor(
    private readonly db: Db,
    private readonly settings: Pick<LeagueSettings, "cohortSize">,
  ) {}

  private get members(): Collection<MemberDoc> {
    return this.db.collection<MemberDoc>("league_members");
  }
  private get arrivals(): Collection<CounterDoc> {
    return this.db.collection<CounterDoc>("league_arrivals");
  }
  private get jobs(): Collection<JobDoc> {
    return this.db.collection<JobDoc>("league_jobs");
  }
  private get progress(): Collection<LeagueDoc> {
    return this.db.collection<LeagueDoc>("progress");
  }

  async ensureIndexes(): Promise<void> {
    await this.members.createIndex({ week: 1, cohortKey: 1 });
  }

  /** Places a learner who earned XP in a week (once) and sets their XP there; `tier` is theirs now. */
  async score(s: LeagueScore, tier: number): Promise<void> {
    if (s.xp <= 0) return;
    const _id = `${s.week}|${s.userId}`;
    if (!(await this.members.findOne({ _id }, { projection: { _id: 1 } }))) {
      const place = await this.place(s.week, tier);
      try {
        await this.members.insertOne({ _id, week: s.week, userId: s.userId, name: s.name, xp: s.xp, version: s.version, ...place, cohortKey: cohortKey(place.tier, place.cohort) });
        // The tier was read before the insert: a settlement of last week may have moved the
        // learner in between, and looked for this place before it existed. It writes the
        // tier, then reads the place; this writes the place, then reads the tier: one of
        // the two sees the other, and the place follows the tier.
        await this.follow(s.week, s.userId, place.tier);
        return;
      } catch (err) {
        if (!isDuplicate(err)) throw err; // placed meanwhile (a retry of this result, or another of theirs): keep that place
      }
    }
    await this.members.updateOne({ _id, $or: [{ version: { $lt: s.version } }, { version: { $exists: false } }] }, { $set: { xp: s.xp, name: s.name, version: s.version } });
  }

  /** A learner's new display name on every week they are in. */
  async rename(userId: string, name: string): Promise<void> {
    await this.members.updateMany({ userId }, { $set: { name } });
  }

  /** The next arrival in a week and tier (a retry after a crash may skip a number: a cohort then has one seat fewer). */
  private async place(week: string, tier: number): Promise<{ tier: number; cohort: number; arrival: number }> {
    const _id = `${week}|${tier}`;
    let n = 0;
    await this.arrivalLocks.run([_id], async () => {
      const write = () => this.arrivals.findOneAndUpdate({ _id }, { $inc: { n: 1 } }, { upsert: true, returnDocument: "after" });
      const doc = await write().catch((err) => (isDuplicate(err) ? write() : Promise.reject(err)));
      n = doc?.n ?? 1;
    });
    const arrival = n - 1;
    return { tier, arrival, cohort: cohortIndex(arrival, this.settings.cohortSize) };
  }

  async leagueMember(week: string, userId: string): Promise<LeagueMember | null> {
    const doc = await this.members.findOne({ _id: `${week}|${userId}` });
    return doc ? member(doc) : null;
  }

  async leagueCohort(week: string, tier: number, cohort: number): Promise<LeagueMember[]> {
    return (await this.members.find({ week, cohortKey: cohortKey(tier, cohort) }).toArray()).map(member);
  }

  async leagueCohorts(week: string): Promise<{ tier: number; cohort: number }[]> {
    const keys = (await this.members.distinct("cohortKey", { week })) as string[];
    return keys.flatMap((k) => parseCohortKey(k) ?? []).sort((a, b) => a.tier - b.tier || a.cohort - b.cohort);
  }

  async leagueOf(userId: string): Promise<LeagueRecord> {
    const doc = await this.progress.findOne({ _id: userId }, { projection: { league: 1 } });
    return { tier: 0, ...doc?.league };
  }

  async settleLeague(userId: string, outcome: LeagueMoveRecord, nextWeek: string): Promise<void> {
    // The first settlement of a week wins: a resumed or racing job writes nothing new (its
    // upsert finds the learner's document there and stops at the duplicate key).
    try {
      await this.progress.updateOne({ _id: userId, "league.last.week": { $ne: outcome.week } }, { $set: { "league.tier": outcome.tier, "league.last": outcome } }, { upsert: true });
    } catch (err) {
      if (!isDuplicate(err)) throw err;
    }
    const next = await this.members.findOne({ _id: `${nextWeek}|${userId}` }, { projection: { tier: 1 } });
    if (next) await this.follow(nextWeek, userId, next.tier);
  }

  /**
   * Moves a learner's place in `week` (now in tier `placed`) into the tier they are in now,
   * if that differs: placed in the new week before the last one was settled. Only from
   * `placed`, so two callers move it once.
   */
  private async follow(week: string, userId: string, placed: number): Promise<void> {
    const { tier } = await this.leagueOf(userId);
    if (tier === placed) return;
    const place = await this.place(week, tier);
    await this.members.updateOne({ _id: `${week}|${userId}`, tier: placed }, { $set: { ...place, cohortKey: cohortKey(place.tier, place.cohort) } });
  }

  async claimLeagueJob(week: string, owner: string, now: number, leaseMs: number): Promise<LeagueJobRecord | null> {
    const fresh: JobDoc = { _id: week, owner, leaseUntil: now + leaseMs, status: "running", done: [] };
    try {
      await this.jobs.insertOne(fresh);
      return record(fresh);
    } catch (err) {
      if (!isDuplicate(err)) throw err;
    }
    const job = await this.jobs.findOne({ _id: week });
    if (!job || job.status === "done" || (job.owner !== owner && job.leaseUntil >= now)) return null;
    // Its lease ran out (its holder died): take it over, unless another did first.
    const taken = await this.jobs.updateOne({ _id: week, owner: job.owner, leaseUntil: job.leaseUntil, status: "running" }, { $set: { owner, leaseUntil: now + leaseMs } });
    return taken.modifiedCount === 1 ? record({ ...job, owner, leaseUntil: now + leaseMs }) : null;
  }

  async leagueJobStep(week: string, owner: string, cohort: string | null, now: number, leaseMs: number): Promise<boolean> {
    const update = cohort === null ? { $set: { status: "done" as const, leaseUntil: now + leaseMs } } : { $set: { leaseUntil: now + leaseMs }, $addToSet: { done: cohort } };
    return (await this.jobs.updateOne({ _id: week, owner }, update)).matchedCount === 1;
  }
}

function member({ _id, cohortKey: _key, version: _version, ...m }: MemberDoc): LeagueMember {
  return m;
}

function record({ _id, ...job }: JobDoc): LeagueJobRecord {
  return { week: _id, ...job, done: [...job.done] };
}
