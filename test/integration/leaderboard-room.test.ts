/**
 * The live board reads its board again only when a recorded result can change the rows it
 * shows: a result far down the board costs its watchers no read and no patch.
 */
import { strict as assert } from "node:assert";
import { Client } from "colyseus.js";
import { MemoryStore } from "../../server/store/MemoryStore";
import { startServer, type TestServer } from "../helpers/server";
import { waitForState, waitUntil } from "../helpers/wait";
import { duel, player, user } from "./store.contract";
import type { UserRecord } from "../../server/store/store";

describe("leaderboard room: re-reads only for rows that can change its top 10", function () {
  let t: TestServer;
  let reads = 0;
  const store = new MemoryStore();
  const top = store.top.bind(store);
  store.top = async (ref, limit) => {
    if (ref.board === "fr" && ref.period === "alltime") reads += 1;
    return top(ref, limit);
  };
  before(async () => {
    t = await startServer({}, store);
  });
  after(async () => {
    await t.close();
  });

  const practice = (u: UserRecord, correct: number) => duel([player(u, 0, false, Array(correct).fill("correct"))], { practice: true, lang: "fr", finishedAt: Date.now() });

  it("fills its 10 rows, then a result below the 10th row is neither read nor patched; one above it is", async () => {
    const learners: UserRecord[] = [];
    for (let i = 0; i < 12; i++) learners.push(await store.createUser(user(`P${i}`)));
    const watcher = await new Client(t.ws).joinOrCreate<any>("leaderboard", { board: "fr" });
    await waitForState(watcher, (s: any) => s.board === "fr", "the live board");
    for (let i = 0; i < 10; i++) await t.store.recordMatch(practice(learners[i], 10 - (i % 5))); // 50, 45, … 30 XP, twice
    await waitForState(watcher, (s: any) => s.entries.length === 10, "ten rows");
    await waitUntil(() => reads >= 11, "the reads of a filling board");
    const readsWhenFull = reads;
    let patches = 0;
    watcher.onStateChange(() => (patches += 1));
    await t.store.recordMatch(practice(learners[10], 1)); // 5 XP: far below the 10th row (30)
    await t.store.recordMatch(practice(learners[11], 12)); // 60 XP: the new first
    const state = await waitForState(watcher, (s: any) => s.entries[0]?.name === "P11", "the newcomer on top");
    assert.equal(reads, readsWhenFull + 1, "only the result that could change the top 10 was read");
    assert.equal(patches, 1, "one patch: the rows that changed");
    assert.equal(state.entries.length, 10);
    assert.ok(!state.entries.some((e: any) => e.name === "P10"));
    await watcher.leave();
  });
});
