import { before, type LeaderboardEntry } from "../boards";

interface Row {
  userId: string;
  name: string;
  score: number;
}

/**
 * One leaderboard in memory: rows kept sorted (score desc, userId asc) so rank is a binary
 * search, O(log n); an update moves one row (an O(n) memmove, fast even at a million rows).
 */
export class SortedBoard {
  private rows: Row[] = [];
  private byUser = new Map<string, Row>();

  get size(): number {
    return this.rows.length;
  }

  /** Index of the first row that does not sort before `row`. */
  private indexOf(row: { score: number; userId: string }): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.rows[mid], row)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  set(userId: string, name: string, score: number): void {
    const old = this.byUser.get(userId);
    if (old) {
      if (old.score === score && old.name === name) return;
      this.rows.splice(this.indexOf(old), 1);
    }
    const row = { userId, name, score };
    this.rows.splice(this.indexOf(row), 0, row);
    this.byUser.set(userId, row);
  }

  /** A learner's new display name (their place does not change). */
  rename(userId: string, name: string): void {
    const row = this.byUser.get(userId);
    if (row) row.name = name;
  }

  top(limit: number): LeaderboardEntry[] {
    return this.rows.slice(0, limit).map((r, i) => ({ rank: i + 1, ...r }));
  }

  around(userId: string, span: number): LeaderboardEntry[] | null {
    const row = this.byUser.get(userId);
    if (!row) return null;
    const at = this.indexOf(row);
    const from = Math.max(0, at - span);
    return this.rows.slice(from, at + span + 1).map((r, i) => ({ rank: from + i + 1, ...r }));
  }
}
