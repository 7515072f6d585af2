import { AppError } from "../errors";
import { boardKey, boardScores, type BoardRef, type BoardRow, type BoardSink, type LeaderboardEntry } from "../boards";
import { addCounts, applyDelta, totalOf, emptyProgress, leagueWeekOfPlan, levelForXp, planMatch, type Progress, type WordStat } from "../progress.rules";
import { DEFAULT_LEAGUES, leagueWeek, type LeagueSettings } from "../leagues.rules";
import type { MatchResult } from "../../rooms/shared/match-result";
import { SortedBoard } from "./SortedBoard";
import { MemoryLeagues } from "./MemoryLeagues";
import { MemoryOfflineXp } from "./offline-xp";
import type { SeedLearner, Store, UserRecord } from "./store";

/** How a store cuts league weeks and cohorts. */
export interface StoreOptions {
  leagues?: LeagueSettings;
}

/** The embedded store: everything in this process's memory, gone on restart. */
export class MemoryStore implements Store {
  readonly durable = false;
  private readonly settings: LeagueSettings;
  readonly leagues: MemoryLeagues;
  readonly offlineXp = new MemoryOfflineXp();
  private sink?: BoardSink;

  constructor(options: StoreOptions = {}) {
    this.settings = options.leagues ?? DEFAULT_LEAGUES;
    this.leagues = new MemoryLeagues(this.settings);
  }

  setBoardSink(sink: BoardSink): void {
    this.sink = sink;
  }
  private users = new Map<string, UserRecord>();
  private usernames = new Map<string, string>();
  private progressByUser = new Map<string, Progress>();
  private matches = new Set<string>();
  private boards = new Map<string, SortedBoard>();

  async createUser(user: UserRecord): Promise<UserRecord> {
    this.claimUsername(user.username, user.id);
    this.users.set(user.id, { ...user });
    return { ...user };
  }

  private claimUsername(username: string | undefined, id: string): void {
    if (username === undefined) return;
    const key = username.toLowerCase();
    if (this.usernames.has(key)) throw new AppError("AUTH_USERNAME_TAKEN", `the username "${username}" is taken`);
    this.usernames.set(key, id);
  }

  async userById(id: string): Promise<UserRecord | null> {
    const user = this.users.get(id);
    return user ? { ...user } : null;
  }

  async userByUsername(username: string): Promise<UserRecord | null> {
    const id = this.usernames.get(username.toLowerCase());
    return id ? this.userById(id) : null;
  }

  async upgradeGuest(id: string, account: { username: string; passwordHash: string }): Promise<UserRecord> {
    const user = this.users.get(id);
    if (!user?.guest) throw new AppError("BAD_REQUEST", "only a guest can be turned into an account");
    this.claimUsername(account.username, id);
    Object.assign(user, { ...account, name: account.username, guest: false });
    delete user.expiresAt;
    for (const board of this.boards.values()) board.rename(id, account.username);
    this.leagues.rename(id, account.username);
    await this.sink?.rename?.(id, account.username);
    return { ...user };
  }

  async setUiLanguage(id: string, uiLang: string): Promise<void> {
    const user = this.users.get(id);
    if (user) user.uiLang = uiLang;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    const user = this.users.get(id);
    if (user) user.passwordHash = passwordHash;
  }

  async deleteExpiredGuests(now: number, limit: number, keep: readonly string[] = []): Promise<number> {
    const kept = new Set(keep);
    let deleted = 0;
    for (const [id, user] of this.users) {
      if (deleted >= limit) break;
      if (!user.guest || user.expiresAt === undefined || user.expiresAt >= now || kept.has(id)) continue;
      this.users.delete(id);
      deleted += 1;
    }
    return deleted;
  }

  async recordMatch(result: MatchResult): Promise<boolean> {
    if (this.matches.has(result.matchId)) return false;
    const zones = new Map(result.players.map((p) => [p.userId, this.users.get(p.userId)?.timeZone ?? "UTC"]));
    // Planned before the match counts as recorded: a plan that failed must not leave the
    // match marked done with nothing applied.
    const plan = planMatch(result, this.progressByUser, zones, (t) => leagueWeek(t, this.settings).id);
    this.matches.add(result.matchId);
    const rows: BoardRow[] = [];
    for (const delta of plan.users) {
      const user = this.users.get(delta.userId);
      if (user) delete user.expiresAt;
      const next = applyDelta(this.progressByUser.get(delta.userId) ?? emptyProgress(delta.userId), plan, delta);
      this.progressByUser.set(delta.userId, next);
      const name = this.users.get(delta.userId)?.name ?? delta.name;
      for (const s of boardScores(next, plan.lang, plan.week)) {
        this.board(s).set(delta.userId, name, s.score);
        rows.push({ ...s, userId: delta.userId, name, version: next.boardVersion });
      }
      const week = leagueWeekOfPlan(plan);
      this.leagues.score({ week, userId: delta.userId, name, xp: next.leagueXp[week] ?? 0, version: next.boardVersion });
    }
    await this.sink?.write(rows);
    return true;
  }

  async seedLearners(learners: readonly SeedLearner[]): Promise<void> {
    // Every check first, so that a refused seed writes nothing.
    const ids = new Set<string>();
    const names = new Set<string>();
    for (const { user } of learners) {
      if (this.users.has(user.id) || ids.has(user.id)) throw new AppError("BAD_REQUEST", `learner ${user.id} exists already`);
      ids.add(user.id);
      const name = user.username?.toLowerCase();
      if (name === undefined) continue;
      if (this.usernames.has(name) || names.has(name)) throw new AppError("AUTH_USERNAME_TAKEN", `the username "${user.username}" is taken`);
      names.add(name);
    }
    const rows = new Map<string, { ref: BoardRef; rows: { userId: string; name: string; score: number }[] }>();
    for (const { user, progress, boards } of learners) {
      this.claimUsername(user.username, user.id);
      this.users.set(user.id, { ...user });
      // A shallow copy is enough: a stored progress is never changed in place (applyDelta
      // makes a new one), and a deep clone each would cost seconds at a million learners.
      this.progressByUser.set(user.id, { ...progress, userId: user.id, level: levelForXp(progress.xp) });
      for (const { score, ...ref } of boards) {
        const key = boardKey(ref);
        if (!rows.has(key)) rows.set(key, { ref, rows: [] });
        rows.get(key)!.rows.push({ userId: user.id, name: user.name, score });
      }
    }
    for (const board of rows.values()) this.board(board.ref).load(board.rows);
  }

  async resumePending(): Promise<number> {
    return 0;
  }

  async progress(userId: string): Promise<Progress> {
    const p = structuredClone(this.progressByUser.get(userId) ?? emptyProgress(userId));
    p.level = levelForXp(p.xp);
    p.league = await this.leagues.leagueOf(userId);
    return p;
  }

  async wordTotals(lang: string): Promise<Record<string, WordStat>> {
    const totals: Record<string, WordStat> = {};
    for (const progress of this.progressByUser.values()) {
      for (const [key, stat] of Object.entries(progress.words[lang] ?? {})) addCounts(totalOf(totals, key), stat);
    }
    return totals;
  }

  private board(ref: BoardRef): SortedBoard {
    const key = boardKey(ref);
    let board = this.boards.get(key);
    if (!board) this.boards.set(key, (board = new SortedBoard()));
    return board;
  }

  async top(ref: BoardRef, limit: number): Promise<LeaderboardEntry[]> {
    return this.boards.get(boardKey(ref))?.top(limit) ?? [];
  }

  async around(ref: BoardRef, userId: string, span: number): Promise<LeaderboardEntry[] | null> {
    return this.boards.get(boardKey(ref))?.around(userId, span) ?? null;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
