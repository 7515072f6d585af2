import { before, type LeaderboardEntry } from "../boards";

interface Row {
  userId: string;
  name: string;
  score: number;
}

/**
 * One leaderboard in memory: rows kept sorted (score desc, userId asc) so rank is a binary
 * search, O(log n); an update shifts only the rows between the old and the new place.
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
    const row = this.byUser.get(userId);
    if (!row) {
      const fresh = { userId, name, score };
      this.rows.splice(this.indexOf(fresh), 0, fresh);
      this.byUser.set(userId, fresh);
      return;
    }
    row.name = name;
    if (row.score === score) return;
    // Move the row to its new place, shifting only the rows in between (a score change
    // usually moves a learner a few places, not across the whole board).
    const from = this.indexOf(row);
    let to = this.indexOf({ userId, score });
    if (to > from) to -= 1;
    if (to < from) this.rows.copyWithin(to + 1, to, from);
    else if (to > from) this.rows.copyWithin(from, from + 1, to + 1);
    row.score = score;
    this.rows[to] = row;
  }

  /**
   * Many rows at once, one per learner: a learner already on the board is set() as usual;
   * the others are sorted once and merged in, O(n + m log m), where a set() each would
   * splice every row into place (about m²/2 moves for a million new rows).
   */
  load(rows: readonly Row[]): void {
    const incoming: Row[] = [];
    for (const r of rows) {
      if (this.byUser.has(r.userId)) this.set(r.userId, r.name, r.score);
      else incoming.push({ userId: r.userId, name: r.name, score: r.score });
    }
    if (incoming.length === 0) return;
    incoming.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    for (const r of incoming) this.byUser.set(r.userId, r);
    if (this.rows.length === 0) {
      this.rows = incoming;
      return;
    }
    const merged: Row[] = [];
    let i = 0;
    let j = 0;
    while (i < this.rows.length && j < incoming.length) merged.push(before(incoming[j], this.rows[i]) ? incoming[j++] : this.rows[i++]);
    while (i < this.rows.length) merged.push(this.rows[i++]);
    while (j < incoming.length) merged.push(incoming[j++]);
    this.rows = merged;
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
