/**
 * What MongoDB tests need to find their server. The URL comes only from TEST_MONGODB_URL
 * (set by test/infra/services.ts, or by you to use another server); never from MONGODB_URL,
 * so a developer's real database is never touched by a test.
 */

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
