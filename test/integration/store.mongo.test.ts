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

  it("resumes every pending result it can: one that keeps failing does not hold back the others", async () => {
    const name = freshDbName("resume");
    dbs.push(name);
    const poisoned = new Set<string>();
    const faulty = await MongoStore.connect(testMongoUrl(), name, {
      afterUserApplied: (userId) => {
        if (poisoned.has(userId)) throw new Error(`simulated fault for ${userId}`);
      },
    });
    const [a, b, c, d] = [await faulty.createUser(user("A")), await faulty.createUser(user("B")), await faulty.createUser(user("C")), await faulty.createUser(user("D"))];
    const stuck = duel([player(a, 900, true, ["correct"]), player(b, 0, false, ["wrong"])]);
    const fine = duel([player(c, 900, true, ["correct"]), player(d, 0, false, ["wrong"])]);
    poisoned.add(a.id).add(c.id);
    await assert.rejects(faulty.recordMatch(stuck));
    await assert.rejects(faulty.recordMatch(fine));
    poisoned.delete(c.id);
    await assert.rejects(faulty.resumePending(), (e: { resumed?: number; failed?: { matchId: string }[] }) => e.resumed === 1 && e.failed?.[0].matchId === stuck.matchId);
    assert.equal((await faulty.progress(d.id)).duels, 1, "the result behind the stuck one was finished");
    await faulty.close();
  });
});
