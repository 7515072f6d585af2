import { strict as assert } from "node:assert";
import { MongoClient } from "mongodb";
import { MongoStore } from "../../server/store/MongoStore";
import { freshDbName, testMongoUrl } from "../infra/mongo";
import { duel, player, storeContract, user } from "./store.contract";

const dbs: string[] = [];
async function fresh(): Promise<MongoStore> {
  const name = freshDbName("contract");
  dbs.push(name);
  return MongoStore.connect(testMongoUrl(), name);
}

after(async () => {
  if (dbs.length === 0) return;
  const client = await MongoClient.connect(testMongoUrl());
  await Promise.all(dbs.map((d) => client.db(d).dropDatabase().catch(() => undefined)));
  await client.close();
});

storeContract("MongoDB (FerretDB or TEST_MONGODB_URL)", () => fresh());

describe("MongoDB store: exactly once through crashes and races", function () {
  this.timeout(30000);

  it("creates its indexes idempotently", async () => {
    const name = freshDbName("indexes");
    dbs.push(name);
    const first = await MongoStore.connect(testMongoUrl(), name);
    await first.close();
    const second = await MongoStore.connect(testMongoUrl(), name);
    await second.ping();
    await second.close();
  });

  it("finishes a result that crashed half-way, on retry or on restart, applying each learner once", async () => {
    const name = freshDbName("crash");
    dbs.push(name);
    let crash = true;
    const crashing = await MongoStore.connect(testMongoUrl(), name, {
      afterUserApplied: () => {
        if (crash) throw new Error("simulated crash after the first learner");
      },
    });
    const [a, b] = [await crashing.createUser(user("A")), await crashing.createUser(user("B"))];
    const result = duel([player(a, 900, true, ["correct"]), player(b, 100, false, ["wrong"])]);
    await assert.rejects(crashing.recordMatch(result), /simulated crash/);
    assert.equal((await crashing.progress(a.id)).xp, 35, "the first learner was applied before the crash");
    assert.equal((await crashing.progress(b.id)).xp, 0);
    await crashing.close();
    crash = false;
    const restarted = await MongoStore.connect(testMongoUrl(), name);
    assert.equal(await restarted.resumePending(), 1);
    assert.equal(await restarted.recordMatch(result), false, "a replay after the restart changes nothing");
    const [pa, pb] = [await restarted.progress(a.id), await restarted.progress(b.id)];
    assert.deepEqual([pa.xp, pa.duels, pb.xp, pb.duels], [35, 1, 0, 1]);
    assert.deepEqual([pa.ratings.es, pb.ratings.es], [1216, 1184]);
    await restarted.close();
  });

  it("applies the same result sent twice at once exactly once", async () => {
    const store = await fresh();
    const [a, b] = [await store.createUser(user("A")), await store.createUser(user("B"))];
    const result = duel([player(a, 900, true, ["correct", "correct"]), player(b, 100, false, ["wrong"])]);
    await Promise.all([store.recordMatch(result), store.recordMatch(structuredClone(result)), store.recordMatch(structuredClone(result))]);
    const pa = await store.progress(a.id);
    assert.deepEqual([pa.xp, pa.duels, pa.wins], [45, 1, 1]);
    await store.close();
  });
});
