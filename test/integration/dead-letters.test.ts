/**
 * A result the store refuses for good (a bug in planning, a document it will not take)
 * must not block the results behind it, across restarts, and must not be lost: it waits in
 * the dead letters until an operator replays it. Against MongoDB (FerretDB), through the
 * real recorder and the admin routes.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MongoStore } from "../../server/store/MongoStore";
import type { Store } from "../../server/store/store";
import type { MatchResult } from "../../rooms/shared/match-result";
import { freshDbName, testMongoUrl, dropTestDb } from "../infra/mongo";
import { startServer, type TestServer } from "../helpers/server";
import { call } from "../helpers/http";
import { waitUntil } from "../helpers/wait";
import { duel, player, user } from "./store.contract";

/** The MongoDB store, with a bug standing in for real ones: results named in `poison` throw in planning. */
function withBug(store: MongoStore, poison: Set<string>): Store {
  return new Proxy(store, {
    get(target, key) {
      if (key === "recordMatch") {
        return (result: MatchResult) => (poison.has(result.matchId) ? Promise.reject(new TypeError("Cannot read properties of undefined (reading 'userId')")) : target.recordMatch(result));
      }
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("dead letters: a result the store refuses is put aside, never in the way", function () {
  this.timeout(30000);
  const dbName = freshDbName("deadletters");
  const dir = mkdtempSync(join(tmpdir(), "ll-dead-"));
  const env = { OUTBOX_PATH: join(dir, "outbox.jsonl"), DEAD_LETTER_PATH: join(dir, "dead.jsonl"), OUTBOX_RETRY_MS: "20", ADMIN_USER: "ops", ADMIN_PASSWORD: "a long admin password" };
  const admin = { authorization: `Basic ${Buffer.from("ops:a long admin password").toString("base64")}` };
  const poison = new Set<string>();
  let t: TestServer;

  after(async () => {
    await t?.close();
    await dropTestDb(dbName);
  });

  it("records the results behind a refused one, keeps it across a restart, and replays it once fixed", async () => {
    t = await startServer(env, withBug(await MongoStore.connect(testMongoUrl(), dbName), poison));
    const [a, b, c] = [await t.store.createUser(user("A")), await t.store.createUser(user("B")), await t.store.createUser(user("C"))];
    const refused = duel([player(a, 900, true, ["correct"]), player(b, 0, false, ["wrong"])]);
    const behind = [duel([player(c, 900, true, ["correct"])], { practice: true }), duel([player(b, 900, true, ["correct"])], { practice: true })];
    poison.add(refused.matchId);
    for (const r of [refused, ...behind]) await t.server.recorder.record(r);
    await waitUntil(() => t.server.recorder.pendingCount === 0 && t.server.recorder.deadLetterCount === 1, "the queue to drain around the refused result");
    assert.deepEqual([(await t.store.progress(c.id)).xp, (await t.store.progress(b.id)).xp], [5, 5], "the results behind it are in MongoDB");
    assert.equal((await t.store.progress(a.id)).xp, 0);

    await t.close();
    t = await startServer(env, withBug(await MongoStore.connect(testMongoUrl(), dbName), poison));
    const listed = await call(t, "/admin/dead-letters", { headers: admin });
    assert.deepEqual(listed.body.map((d: { matchId: string }) => d.matchId), [refused.matchId], "kept across the restart");
    assert.match(listed.body[0].reason, /Cannot read properties/, "the reason is for operators");
    assert.deepEqual((await call(t, "/admin/results", { headers: admin })).body, { pending: 0, outbox: 0, deadLetters: 1 });

    poison.clear(); // the bug is fixed
    const replay = await call(t, "/admin/dead-letters/replay", { method: "POST", headers: { ...admin, "content-type": "application/json" }, body: JSON.stringify({ matchIds: [refused.matchId] }) });
    assert.deepEqual(replay.body, { replayed: [refused.matchId], failed: [] });
    assert.deepEqual([(await t.store.progress(a.id)).xp, (await t.store.progress(b.id)).xp], [35, 5], "applied once");
    const again = await call(t, "/admin/dead-letters/replay", { method: "POST", headers: { ...admin, "content-type": "application/json" }, body: "{}" });
    assert.deepEqual(again.body, { replayed: [], failed: [] });
    assert.equal((await t.store.progress(a.id)).xp, 35);
  });
});
