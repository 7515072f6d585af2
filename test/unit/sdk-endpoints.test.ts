import { strict as assert } from "node:assert";
import { EndpointPool, normalizeEndpoints } from "../../client-sdk/endpoints";
import { connectionErrorCode, DEFAULT_RETRY, networkKind, nextAttemptDelay, retryAfterMs, statusKind, type FailureKind } from "../../client-sdk/retry";
import { fromAnswer, isTransient, LinguaLeapError } from "../../client-sdk/errors";
import { LinguaLeapClient, type LeaguePage } from "../../client-sdk";

const fetchFailed = (cause: object) => Object.assign(new TypeError("fetch failed"), { cause });

describe("SDK: endpoints", () => {
  it("takes one address or a list: trailing slashes cut, duplicates dropped, order kept", () => {
    assert.deepEqual(normalizeEndpoints("http://127.0.0.1:2567/"), ["http://127.0.0.1:2567"]);
    assert.deepEqual(normalizeEndpoints([" http://b:2568//", "http://a:2567", "http://b:2568"]), ["http://b:2568", "http://a:2567"]);
    assert.deepEqual(normalizeEndpoints(["https://play.example.org/game"]), ["https://play.example.org/game"]);
  });

  it("refuses what is not an http(s) URL, and an empty list", () => {
    assert.throws(() => normalizeEndpoints("127.0.0.1:2567"), /not an endpoint URL/);
    assert.throws(() => normalizeEndpoints("localhost:2567"), /http:\/\/ or https:\/\//);
    assert.throws(() => normalizeEndpoints("not a url"), /not an endpoint URL/);
    assert.throws(() => normalizeEndpoints("ws://127.0.0.1:2567"), /http:\/\/ or https:\/\//);
    assert.throws(() => normalizeEndpoints([]), /at least one endpoint/);
  });

  it("moves to the next endpoint on a failure, round robin, and sticks to the one that works", () => {
    const pool = new EndpointPool(["http://a", "http://b", "http://c"]);
    assert.equal(pool.current, "http://a");
    pool.failed("http://a");
    assert.equal(pool.current, "http://b");
    pool.worked("http://b");
    pool.worked("http://b");
    assert.equal(pool.current, "http://b", "a success keeps the endpoint");
    pool.failed("http://b");
    pool.failed("http://c");
    assert.equal(pool.current, "http://a", "wraps around");
  });

  it("a late failure of an endpoint already left behind moves nothing", () => {
    const pool = new EndpointPool(["http://a", "http://b"]);
    pool.failed("http://a");
    pool.failed("http://a");
    assert.equal(pool.current, "http://b");
    pool.worked("http://elsewhere");
    assert.equal(pool.current, "http://b");
  });
});

describe("SDK: which failures are retried", () => {
  it("tells a connection never made from one that broke after the request went out", () => {
    assert.equal(networkKind(fetchFailed({ code: "ECONNREFUSED" })), "refused");
    assert.equal(networkKind(fetchFailed({ code: "UND_ERR_CONNECT_TIMEOUT" })), "refused");
    assert.equal(networkKind(fetchFailed({ name: "AggregateError", errors: [{ code: "ECONNREFUSED" }, { code: "ECONNREFUSED" }] })), "refused");
    assert.equal(networkKind(fetchFailed({ message: "bad port" })), "refused");
    assert.equal(networkKind(fetchFailed({ code: "ECONNRESET" })), "broken");
    assert.equal(networkKind(fetchFailed({ code: "UND_ERR_SOCKET", message: "other side closed" })), "broken");
    assert.equal(networkKind(new TypeError("Failed to fetch")), "broken", "a browser says nothing more: assume the worst");
    assert.equal(connectionErrorCode(fetchFailed({ errors: [{ code: "EHOSTUNREACH" }] })), "EHOSTUNREACH");
  });

  it("502, 503 and 504 mean 'not this endpoint, not now'; any other status is an answer", () => {
    assert.deepEqual([502, 503, 504].map(statusKind), ["unavailable", "unavailable", "unavailable"]);
    assert.deepEqual([200, 400, 401, 404, 429, 500].map(statusKind), ["final", "final", "final", "final", "final", "final"]);
  });

  it("reads the error of either answer shape, and of a proxy's page", () => {
    const drain = fromAnswer(503, { code: 503, error: "UNAVAILABLE: this server is shutting down; try again" });
    assert.deepEqual([drain.code, drain.status, drain.message], ["UNAVAILABLE", 503, "this server is shutting down; try again"]);
    const redis = fromAnswer(503, { code: 503, error: "CLUSTER_UNAVAILABLE: matchmaking is paused; retry shortly" });
    assert.equal(redis.code, "CLUSTER_UNAVAILABLE");
    const api = fromAnswer(401, { error: { code: "AUTH_BAD_TOKEN", message: "sign in again" } });
    assert.deepEqual([api.code, api.status, api.message], ["AUTH_BAD_TOKEN", 401, "sign in again"]);
    const colyseus = fromAnswer(200, { code: 4212, error: 'room "x" has been disposed.' });
    assert.deepEqual([colyseus.code, colyseus.status], ["ROOM_UNAVAILABLE", 4212]);
    assert.deepEqual([fromAnswer(502, "<html>bad gateway</html>").code, fromAnswer(502, undefined).status], ["UNAVAILABLE", 502]);
    assert.equal(fromAnswer(404, undefined).code, "INTERNAL");
  });

  it("transient codes are worth another try later; refusals and lost seats are not", () => {
    for (const code of ["NETWORK", "TIMEOUT", "UNAVAILABLE", "CLUSTER_UNAVAILABLE", "RATE_LIMITED"]) assert.ok(isTransient(new LinguaLeapError(code, "")), code);
    for (const code of ["ROOM_UNAVAILABLE", "INTERNAL", "SESSION_LOST", "AUTH_BAD_TOKEN", "DUEL_BAD_OPTIONS"]) assert.ok(!isTransient(new LinguaLeapError(code, "")), code);
  });
});

describe("SDK: retry policy", () => {
  const mid = () => 0.5;
  const next = (failures: FailureKind[], endpoints: number, resendable = true) => nextAttemptDelay(failures, { endpoints, resendable }, DEFAULT_RETRY, mid);

  it("fails over at once to every other endpoint, then stops when none could be reached", () => {
    assert.equal(next(["refused"], 3), 0);
    assert.equal(next(["refused", "broken"], 3), 0);
    assert.equal(next(["refused", "broken", "refused"], 3), undefined, "all three unreachable: NETWORK now, not after backoff");
    assert.equal(next(["refused"], 1), undefined, "one endpoint, not reachable: at once");
  });

  it("retries 502/503/504 with backoff on the same proxy, a bounded number of times", () => {
    assert.deepEqual([["unavailable"], ["unavailable", "unavailable"], ["unavailable", "unavailable", "unavailable"]].map((f) => next(f as FailureKind[], 1)), [400, 800, 1600]);
    assert.equal(next(["unavailable", "unavailable", "unavailable", "unavailable"], 1), undefined, "retries (3) spent");
  });

  it("over two endpoints: the other one at once, then backoff laps", () => {
    assert.equal(next(["unavailable"], 2), 0);
    assert.equal(next(["unavailable", "unavailable"], 2), 400);
    assert.equal(next(["unavailable", "refused"], 2), 400, "one endpoint draining, the other down: keep trying the first");
    assert.equal(next(["unavailable", "unavailable", "unavailable", "unavailable"], 2), undefined);
  });

  it("tries every endpoint once even when the list is longer than the retries", () => {
    const five = (n: number) => Array<FailureKind>(n).fill("refused");
    assert.equal(next(five(4), 5), 0);
    assert.equal(next(five(5), 5), undefined);
  });

  it("never resends a request that may have been taken unless resending is harmless; never retries an answer", () => {
    assert.equal(next(["broken"], 2, false), undefined);
    assert.equal(next(["refused"], 2, false), 0, "a refused connection took nothing: always safe");
    assert.equal(next(["final"], 2), undefined);
    assert.equal(next([], 2), undefined);
  });

  it("waits as long as the answer's Retry-After asks when that is longer, up to the backoff's cap; never before the lap is done", () => {
    assert.equal(nextAttemptDelay(["unavailable"], { endpoints: 1, resendable: true, retryAfterMs: 1000 }, DEFAULT_RETRY, mid), 1000);
    assert.equal(nextAttemptDelay(["unavailable", "unavailable", "unavailable"], { endpoints: 1, resendable: true, retryAfterMs: 1000 }, DEFAULT_RETRY, mid), 1600);
    assert.equal(nextAttemptDelay(["unavailable"], { endpoints: 1, resendable: true, retryAfterMs: 60_000 }, DEFAULT_RETRY, mid), 3000);
    assert.equal(nextAttemptDelay(["unavailable"], { endpoints: 2, resendable: true, retryAfterMs: 1000 }, DEFAULT_RETRY, mid), 0);
    assert.equal(retryAfterMs("1"), 1000);
    assert.equal(retryAfterMs("Thu, 01 Jan 2026 00:00:10 GMT", Date.parse("Thu, 01 Jan 2026 00:00:00 GMT")), 10_000);
    assert.equal(retryAfterMs("soon"), undefined);
    assert.equal(retryAfterMs(null), undefined);
  });

  it("honours retries and backoff options", () => {
    const opts = { retries: 1, backoff: { baseMs: 100, maxMs: 100 } };
    assert.equal(nextAttemptDelay(["unavailable"], { endpoints: 1, resendable: true }, opts, mid), 100);
    assert.equal(nextAttemptDelay(["unavailable", "unavailable"], { endpoints: 1, resendable: true }, opts, mid), undefined);
  });
});

describe("SDK: league()", () => {
  const page: LeaguePage = {
    now: Date.parse("2026-12-02T10:00:00Z"), week: "2026-W49", startsAt: Date.parse("2026-11-30T00:00:00Z"), endsAt: Date.parse("2026-12-07T00:00:00Z"),
    tiers: ["Bronze", "Silver"], tier: 0, tierName: "Bronze", joined: true,
    cohort: { size: 30, promote: 1, demote: 0, standings: [{ rank: 1, userId: "u1", name: "Ana", xp: 40, zone: "up" }] },
    me: { rank: 1, xp: 40, zone: "up" }, last: null,
  };
  /** A fetch that answers every request with `status` and `body`, and records what was asked. */
  const answering = (status: number, body: unknown) => {
    const asked: { url: string; method?: string; auth?: string }[] = [];
    const impl = (async (input: string | URL | Request, init?: RequestInit) => {
      asked.push({ url: String(input), method: init?.method, auth: (init?.headers as Record<string, string>).authorization });
      return new Response(JSON.stringify(body), { status });
    }) as typeof fetch;
    return { impl, asked };
  };

  it("asks GET /api/leagues/me with the learner's token and answers the page as sent", async () => {
    const { impl, asked } = answering(200, page);
    const ll = new LinguaLeapClient("http://a", { token: "tok", fetch: impl });
    assert.deepEqual(await ll.league(), page);
    assert.deepEqual(asked, [{ url: "http://a/api/leagues/me", method: "GET", auth: "Bearer tok" }]);
  });

  it("reports a refusal as a LinguaLeapError with the server's code", async () => {
    const { impl } = answering(401, { error: { code: "AUTH_BAD_TOKEN", message: "sign in again" } });
    const ll = new LinguaLeapClient("http://a", { token: "old", fetch: impl });
    await assert.rejects(ll.league(), (e: LinguaLeapError) => e.code === "AUTH_BAD_TOKEN" && e.status === 401);
  });
});
