/**
 * The live board's rules, pure: the one order of every board, and whether a change can
 * touch the rows a room shows (so a room re-reads its board only when it can).
 */

/**
 * Rows that sort before others: higher score first, then user id (a stable tie-break). The
 * stores, the Redis boards and the live rooms all order by it.
 * @example before({ score: 10, userId: "b" }, { score: 10, userId: "c" }) // true
 */
export function before(a: { score: number; userId: string }, b: { score: number; userId: string }): boolean {
  return a.score > b.score || (a.score === b.score && a.userId < b.userId);
}

/** A row as a live board shows it, and as a change names it (no score: a new name alone). */
type Shown = { userId: string; name: string; score: number };
type Change = { userId: string; name: string; score?: number };

/**
 * Whether rows a result set can change the top `limit` rows shown: a learner shown has a new
 * score or name, the board shows fewer rows than it could, or a learner not shown now sorts
 * before the last row shown. A new name alone changes only a row shown.
 * @example touchesTop([{ userId: "a", name: "A", score: 90 }], [{ userId: "b", name: "B", score: 10 }], 1) // false
 */
export function touchesTop(shown: readonly Shown[], rows: readonly Change[], limit: number): boolean {
  return rows.some((row) => {
    const mine = shown.find((s) => s.userId === row.userId);
    if (mine) return mine.name !== row.name || (row.score !== undefined && mine.score !== row.score);
    if (row.score === undefined) return false;
    return shown.length < limit || before({ userId: row.userId, score: row.score }, shown[shown.length - 1]);
  });
}
