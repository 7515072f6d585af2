/**
 * What MongoDB tests need to find their server. The URL comes only from TEST_MONGODB_URL
 * (set by test/infra/services.ts, or by you to use another server); never from MONGODB_URL,
 * so a developer's real database is never touched by a test.
 */
import { MongoClient } from "mongodb";
import { TcpProxy } from "../../loadtest/support/TcpProxy";

/** The MongoDB URL for tests; throws when no test server was set up. */
export function testMongoUrl(): string {
  const url = process.env.TEST_MONGODB_URL;
  if (!url) {
    throw new Error(
      "TEST_MONGODB_URL is not set: run the tests with `npm test` (its global setup, test/infra/services.ts, " +
        "starts FerretDB and sets it), or set TEST_MONGODB_URL to a throwaway MongoDB server",
    );
  }
  return url;
}

let counter = 0;

/**
 * A database name no other call (in this or any concurrent test process) returns, so each
 * suite works in its own database and drops it afterwards. Keeps to the names FerretDB
 * accepts: [A-Za-z0-9_-], at most 63 characters.
 */
export function freshDbName(prefix: string): string {
  counter += 1;
  const suffix = `_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  const clean = prefix.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 63 - suffix.length) || "test";
  return clean + suffix;
}

/** Drops a test database (a suite's own, from {@link freshDbName}). */
export async function dropTestDb(name: string): Promise<void> {
  const mongo = await MongoClient.connect(testMongoUrl());
  try {
    await mongo.db(name).dropDatabase();
  } finally {
    await mongo.close();
  }
}

/** A TCP proxy in front of the test MongoDB, started: cut() and restore() make an outage. */
export async function proxyToTestMongo(): Promise<TcpProxy> {
  const target = new URL(testMongoUrl());
  const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port) });
  await proxy.start();
  return proxy;
}
