/**
 * The daily cap of offline practice XP, per learner and day: each practice takes its share
 * once, by the device's id, so a practice sent again gets the same grant and one sent after
 * the cap is spent gets what is left (maybe 0). In memory, and in MongoDB's `offline_xp`.
 */
import { MongoServerError, type Collection, type Db } from "mongodb";
import { KeyedLocks } from "../KeyedLocks";

/** A practice's claim on its day's cap. */
export interface OfflineClaim {
  userId: string;
  /** The UTC day its XP counts against (YYYY-MM-DD). */
  day: string;
  /** The device's id of the practice. */
  id: string;
  /** The XP its answers are worth. */
  wanted: number;
  /** The most offline XP a learner earns that day. */
  cap: number;
  /** The most offline practices a learner records that day. */
  maxPractices: number;
  /** When the day's record may go (epoch ms): after any practice of that day could still arrive. */
  expiresAt: number;
}

/** What a claim was granted; `fresh` is false when this id had claimed before (the same grant). Null: the day's practices are all taken. */
export type OfflineGrant = { granted: number; fresh: boolean } | null;

export interface OfflineXpStore {
  /** Takes a practice's share of its day's cap once by id (see {@link OfflineClaim}). */
  claim(claim: OfflineClaim): Promise<OfflineGrant>;
}

interface DayRecord {
  xp: number;
  grants: Record<string, number>;
}

/** The grant for a claim against a day as it stands, or null when the day is full. */
function grant(day: DayRecord | undefined, claim: OfflineClaim): { granted: number; fresh: boolean } | null {
  const before = day?.grants[claim.id];
  if (before !== undefined) return { granted: before, fresh: false };
  if (Object.keys(day?.grants ?? {}).length >= claim.maxPractices) return null;
  return { granted: Math.max(0, Math.min(claim.wanted, claim.cap - (day?.xp ?? 0))), fresh: true };
}

/** How often the in-memory store lets expired days go (not on every claim: it walks them all). */
const SWEEP_MS = 3_600_000;

export class MemoryOfflineXp implements OfflineXpStore {
  private readonly days = new Map<string, DayRecord & { expiresAt: number }>();
  private sweptAt = 0;

  async claim(claim: OfflineClaim): Promise<OfflineGrant> {
    const key = `${claim.userId}|${claim.day}`;
    const day = this.days.get(key);
    const answer = grant(day, claim);
    if (answer?.fresh) {
      const next = day ?? { xp: 0, grants: {}, expiresAt: claim.expiresAt };
      next.xp += answer.granted;
      next.grants[claim.id] = answer.granted;
      this.days.set(key, next);
    }
    this.forgetBefore(Date.now());
    return answer;
  }

  private forgetBefore(now: number): void {
    if (now - this.sweptAt < SWEEP_MS) return;
    this.sweptAt = now;
    for (const [key, day] of this.days) if (day.expiresAt < now) this.days.delete(key);
  }
}

/** `_id` is "userId|day"; `v` counts its writes, so a write lands only on the version it read. */
type DayDoc = DayRecord & { _id: string; v: number; expiresAt: Date };

const DUPLICATE_KEY = 11000;
/** Writes that lost a race (another process wrote the day in between) are tried again this often at most. */
const TRIES = 8;

/**
 * MongoDB's: one document per learner and day, written only on the version it was read at
 * (MongoDB makes that atomic). Claims of one day are also taken one at a time in this
 * process: FerretDB does not apply a conditional update atomically (STACK-NOTES), so there
 * two processes claiming for one learner in the same instant could both pass the cap.
 */
export class MongoOfflineXp implements OfflineXpStore {
  private readonly locks = new KeyedLocks();

  constructor(private readonly db: Db) {}

  private get days(): Collection<DayDoc> {
    return this.db.collection<DayDoc>("offline_xp");
  }

  async ensureIndexes(): Promise<void> {
    // Days past any practice that could still arrive go by themselves. FerretDB 1.24 has no
    // TTL indexes: there they stay (a small document per learner and day of offline practice).
    await this.days.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 }).catch((err: unknown) => {
      if (!(err instanceof MongoServerError && /not implemented/i.test(err.message))) throw err;
    });
  }

  claim(claim: OfflineClaim): Promise<OfflineGrant> {
    const _id = `${claim.userId}|${claim.day}`;
    return this.locks.run([_id], async () => {
      for (let i = 0; i < TRIES; i++) {
        const day = await this.days.findOne({ _id });
        const answer = grant(day ?? undefined, claim);
        if (!answer?.fresh) return answer;
        if (await this.write(_id, day, claim, answer.granted)) return answer;
      }
      throw new Error(`offline XP of ${_id}: ${TRIES} writes lost to others in a row`);
    });
  }

  /** Writes a grant on the version read; false when another write got there first. */
  private async write(_id: string, day: DayDoc | null, claim: OfflineClaim, granted: number): Promise<boolean> {
    if (!day) {
      try {
        await this.days.insertOne({ _id, xp: granted, grants: { [claim.id]: granted }, v: 1, expiresAt: new Date(claim.expiresAt) });
        return true;
      } catch (err) {
        if (err instanceof MongoServerError && err.code === DUPLICATE_KEY) return false;
        throw err;
      }
    }
    const done = await this.days.updateOne({ _id, v: day.v }, { $set: { xp: day.xp + granted, [`grants.${claim.id}`]: granted, v: day.v + 1 } });
    return done.modifiedCount === 1;
  }
}
