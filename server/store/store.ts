/**
 * The store interface: users, progress, match results and leaderboards. In-memory
 * (embedded default) and MongoDB (MONGODB_URL) implement it; one contract suite
 * (test/integration/store.contract.ts) runs against both.
 */
import type { MatchResult } from "../../rooms/shared/match-result";
import type { BoardRef, BoardSink, LeaderboardEntry } from "../boards";
import type { BoardSource } from "./RedisBoards";
import type { OfflineXpStore } from "./offline-xp";
import type { LeagueMoveRecord, LeagueRecord, Progress, WordStat } from "../progress.rules";

export interface UserRecord {
  id: string;
  /** Set for registered accounts; guests have none. */
  username?: string;
  name: string;
  passwordHash?: string;
  guest: boolean;
  /** IANA time zone the daily streak is counted in. */
  timeZone: string;
  /** The interface language the learner chose (en, es, fr, de, it, pt), kept for every device. */
  uiLang?: string;
  createdAt: number;
  /** A guest who has not played yet is deleted after this (epoch ms); cleared by the first recorded result. */
  expiresAt?: number;
}

/**
 * One learner written by {@link Store.seedLearners}: the account, its progress (`level` is
 * worked out from `xp`, as everywhere) and the boards it is on with its score there (its row
 * shows `user.name`).
 */
export interface SeedLearner {
  user: UserRecord;
  progress: Progress;
  boards: (BoardRef & { score: number })[];
}

/** Runs a write touching these learners' documents when no other write of theirs runs (the recorder's locks). */
export type Serialize = (userIds: string[], write: () => Promise<void>) => Promise<void>;

/** A learner's place in one league week: their tier that week, cohort, arrival number and the week's XP. */
export interface LeagueMember {
  week: string;
  userId: string;
  name: string;
  tier: number;
  cohort: number;
  arrival: number;
  xp: number;
}

/** The end-of-week job of one league week, as stored: who holds it, until when, which cohorts it finished. */
export interface LeagueJobRecord {
  week: string;
  owner: string;
  leaseUntil: number;
  status: "running" | "done";
  /** Cohorts already settled, as "tier|cohort". */
  done: string[];
}

/**
 * Weekly leagues. A learner is placed (tier, cohort) by the first result that gives them XP
 * in a league week, inside recordMatch's exactly-once step; the end-of-week job
 * (server/leagues.job.ts) reads the cohorts and settles each learner once.
 */
export interface LeagueStore {
  leagueMember(week: string, userId: string): Promise<LeagueMember | null>;
  /** The members of one cohort, in no particular order (leagues.rules `standings` orders them). */
  leagueCohort(week: string, tier: number, cohort: number): Promise<LeagueMember[]>;
  /** Every cohort of a week, by tier then cohort. */
  leagueCohorts(week: string): Promise<{ tier: number; cohort: number }[]>;
  /** A learner's tier and last move (tier 0 for a learner never placed). */
  leagueOf(userId: string): Promise<LeagueRecord>;
  /**
   * Sets a learner's tier and last move for `outcome.week` unless a move for that week is
   * there already (the first settlement wins), then moves their membership of `nextWeek`, if
   * they were placed there under their old tier, into the tier they are in now.
   */
  settleLeague(userId: string, outcome: LeagueMoveRecord, nextWeek: string): Promise<void>;
  /**
   * Takes the job of `week` for `owner` until `now + leaseMs`: resolves with its record when
   * it is new, the owner's own, or its lease ran out; null when it is done or held by another.
   */
  claimLeagueJob(week: string, owner: string, now: number, leaseMs: number): Promise<LeagueJobRecord | null>;
  /**
   * Records a settled cohort ("tier|cohort") and renews the lease, or with `cohort` null marks
   * the job done; false when `owner` no longer holds the job.
   */
  leagueJobStep(week: string, owner: string, cohort: string | null, now: number, leaseMs: number): Promise<boolean>;
}

export type { OfflineClaim, OfflineGrant, OfflineXpStore } from "./offline-xp";

export interface Store {
  /** Weekly leagues: placements (made by recordMatch), cohorts, tiers, the end-of-week job's record. */
  readonly leagues: LeagueStore;
  /** The daily cap of offline practice XP, claimed once per practice. */
  readonly offlineXp: OfflineXpStore;
  /** True when what it holds outlives the process (MongoDB); the in-memory store needs no outbox. */
  readonly durable: boolean;
  /** Creates a user; throws AppError AUTH_USERNAME_TAKEN when the username exists. */
  createUser(user: UserRecord): Promise<UserRecord>;
  userById(id: string): Promise<UserRecord | null>;
  userByUsername(username: string): Promise<UserRecord | null>;
  /** Turns a guest into an account, keeping id and progress; AUTH_USERNAME_TAKEN when taken. */
  upgradeGuest(id: string, account: { username: string; passwordHash: string }): Promise<UserRecord>;
  /** Keeps the interface language the learner chose. */
  setUiLanguage(id: string, uiLang: string): Promise<void>;
  /** Replaces an account's password hash (a stronger hash of the same password). */
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  /**
   * Deletes up to `limit` guests whose `expiresAt` is before `now` (they never had a result
   * recorded: recording one clears it), leaving out the ids in `keep` (results of theirs
   * still on the way); resolves with how many it deleted.
   */
  deleteExpiredGuests(now: number, limit: number, keep?: readonly string[]): Promise<number>;
  /**
   * Applies a result exactly once per matchId: XP, level, streak, rating, word stats and
   * leaderboards; its learners' accounts no longer expire. Resolves true when it applied it
   * now, false when it was already recorded.
   */
  recordMatch(result: MatchResult): Promise<boolean>;
  /**
   * Writes many new learners at once, each with its progress and board rows, in bulk (for the
   * results bench; no result is recorded). Ids and usernames must be new, in the store and
   * among them: a taken one rejects (the in-memory store then writes nothing; MongoDB may have
   * written the others).
   */
  seedLearners(learners: readonly SeedLearner[]): Promise<void>;
  /**
   * Finishes results a crash left half-applied (with `olderThanMs`, only those stored at
   * least that long ago); resolves with how many it finished (rejects, after trying them
   * all, when some could not be).
   */
  resumePending(serialize?: Serialize, olderThanMs?: number): Promise<number>;
  progress(userId: string): Promise<Progress>;
  /** Every learner's counts of each word of `lang`, summed (for the word-difficulty report), by word key. */
  wordTotals(lang: string): Promise<Record<string, WordStat>>;
  /** The best `limit` rows of a board. */
  top(ref: BoardRef, limit: number): Promise<LeaderboardEntry[]>;
  /** A learner's row and up to `span` rows above and below (null when not on the board). */
  around(ref: BoardRef, userId: string, span: number): Promise<LeaderboardEntry[] | null>;
  /**
   * Where the rows each result sets go besides the store: called once per result inside its
   * exactly-once step (a rejection fails the step, which is retried whole).
   */
  setBoardSink(sink: BoardSink): void;
  /** What the Redis boards are rebuilt from: the store of record's rows (MongoDB); none in memory. */
  readonly boardSource?: BoardSource;
  /** Resolves when the store answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
