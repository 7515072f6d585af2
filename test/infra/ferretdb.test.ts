/** Proves the test MongoDB server (FerretDB unless TEST_MONGODB_URL says otherwise) is up and
 * enforces what the store contract relies on: unique indexes with duplicate-key error 11000. */
import assert from "node:assert/strict";
import { MongoClient, MongoServerError } from "mongodb";
import { freshDbName, testMongoUrl } from "./mongo";

describe("test MongoDB server", () => {
  let client: MongoClient;
  const dbName = freshDbName("infra");

  before(async () => {
    client = await new MongoClient(testMongoUrl(), { serverSelectionTimeoutMS: 5_000 }).connect();
  });

  after(async () => {
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  it("answers ping", async () => {
    assert.equal((await client.db("admin").command({ ping: 1 })).ok, 1);
  });

  it("rejects a duplicate key in a unique index with code 11000", async () => {
    const users = client.db(dbName).collection<{ name: string }>("users");
    await users.createIndex({ name: 1 }, { unique: true });
    await users.insertOne({ name: "ana" });
    await assert.rejects(users.insertOne({ name: "ana" }), (err: unknown) => {
      assert.ok(err instanceof MongoServerError, `expected MongoServerError, got ${String(err)}`);
      assert.equal(err.code, 11000);
      return true;
    });
    assert.equal(await users.countDocuments({ name: "ana" }), 1);
  });

  it("gives each call of freshDbName a different, valid database name", () => {
    const names = new Set(Array.from({ length: 100 }, () => freshDbName("x.y/z $".repeat(20))));
    assert.equal(names.size, 100);
    for (const name of names) assert.match(name, /^[A-Za-z0-9_-]{1,63}$/);
  });
});
