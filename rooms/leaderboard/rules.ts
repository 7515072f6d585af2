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

/**
 * Whether rows a result set can change the top `limit` rows shown: a learner shown has a new
 * score, the board shows fewer rows than it could, or a learner not shown now sorts before
 * the last row shown.
 * @example touchesTop([{ userId: "a", score: 90 }], [{ userId: "b", score: 10 }], 1) // false
 */
export function touchesTop(shown: readonly { userId: string; score: number }[], rows: readonly { userId: string; score: number }[], limit: number): boolean {
  if (rows.length === 0) return false;
  if (shown.length < limit) return true;
  const last = shown[shown.length - 1];
  return rows.some((row) => {
    const mine = shown.find((s) => s.userId === row.userId);
    return mine ? mine.score !== row.score : before(row, last);
  });
}
