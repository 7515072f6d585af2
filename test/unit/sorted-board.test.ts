import { strict as assert } from "node:assert";
import { SortedBoard } from "../../server/store/SortedBoard";
import { seededRng } from "../../loadtest/support/rng";

/** The same board computed the slow, obvious way. */
function reference(scores: Map<string, number>): string[] {
  return [...scores.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([id]) => id);
}

describe("SortedBoard", () => {
  it("stays sorted (score desc, userId asc) through random inserts, raises and drops", () => {
    const board = new SortedBoard();
    const scores = new Map<string, number>();
    const rng = seededRng(42);
    for (let i = 0; i < 3000; i++) {
      const id = `u${Math.floor(rng() * 300)}`;
      const score = Math.floor(rng() * 50); // many ties
      board.set(id, id, score);
      scores.set(id, score);
    }
    const expected = reference(scores);
    assert.deepEqual(board.top(expected.length).map((r) => r.userId), expected);
    for (const [i, id] of expected.entries()) {
      const around = board.around(id, 0)!;
      assert.deepEqual([around[0].userId, around[0].rank], [id, i + 1]);
    }
  });
  it("loads many rows at once into the same order as one set() each, merging with rows already there", () => {
    const board = new SortedBoard();
    const scores = new Map<string, number>();
    const rng = seededRng(7);
    const batch = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => {
        const id = `u${from + k}`;
        const score = Math.floor(rng() * 40); // many ties
        scores.set(id, score);
        return { userId: id, name: id, score };
      });
    board.load(batch(0, 500));
    board.set("u3", "u3", 99);
    scores.set("u3", 99);
    board.load([...batch(500, 900), { userId: "u4", name: "u4", score: 100 }]); // u4 is there: moved as by set()
    scores.set("u4", 100);
    const expected = reference(scores);
    assert.equal(board.size, 900);
    assert.deepEqual(board.top(expected.length).map((r) => r.userId), expected);
    for (const id of ["u0", "u4", "u650", "u899"]) assert.equal(board.around(id, 0)![0].rank, expected.indexOf(id) + 1);
  });
  it("answers around-me at the edges and renames in place", () => {
    const board = new SortedBoard();
    ["a", "b", "c", "d"].forEach((id, i) => board.set(id, id.toUpperCase(), 10 - i));
    assert.deepEqual(board.around("a", 2)!.map((r) => r.rank), [1, 2, 3]);
    assert.deepEqual(board.around("d", 1)!.map((r) => r.userId), ["c", "d"]);
    assert.equal(board.around("zz", 1), null);
    board.rename("b", "Bea");
    assert.equal(board.top(2)[1].name, "Bea");
  });
});
