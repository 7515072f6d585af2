import { strict as assert } from "node:assert";
import { EndpointPool } from "../../client-sdk/endpoints";
import { HttpTransport, type HttpRequest } from "../../client-sdk/HttpTransport";
import { LinguaLeapError } from "../../client-sdk/errors";

type Reply = { status: number; body?: unknown } | { fail: object } | "hang";

/** A fetch that answers from a script per endpoint origin, and records every call. */
function fakeFetch(script: Record<string, Reply[]>) {
  const calls: string[] = [];
  const impl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    calls.push(`${url.origin}${url.pathname}`);
    const reply = script[url.origin]?.shift() ?? { status: 200, body: { ok: true } };
    if (reply === "hang") {
      return new Promise<Response>((_, reject) => init?.signal?.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" }))));
    }
    if ("fail" in reply) throw Object.assign(new TypeError("fetch failed"), { cause: reply.fail });
    return new Response(reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body), { status: reply.status });
  }) as typeof fetch;
  return { impl, calls };
}

const refused = { fail: { code: "ECONNREFUSED" } };
const reset = { fail: { code: "ECONNRESET" } };
const drain = { status: 503, body: { code: 503, error: "UNAVAILABLE: this server is shutting down; try again" } };
const quick = { retries: 3, backoff: { baseMs: 1, maxMs: 2 } };
const get = (path = "/api/languages", more: Partial<HttpRequest> = {}): HttpRequest => ({ method: "GET", path, timeoutMs: 1000, resendable: true, ...more });

describe("SDK: HTTP transport over several endpoints", () => {
  it("fails over from a refused endpoint and sticks to the one that answered", async () => {
    const { impl, calls } = fakeFetch({ "http://a": [refused] });
    const http = new HttpTransport(new EndpointPool(["http://a", "http://b"]), quick, impl);
    const first = await http.send(get());
    assert.deepEqual([first.status, first.endpoint], [200, "http://b"]);
    await http.send(get("/api/me"));
    assert.deepEqual(calls, ["http://a/api/languages", "http://b/api/languages", "http://b/api/me"], "the dead endpoint is paid for once");
  });

  it("retries a draining server's 503 with backoff, a bounded number of times, then surfaces its code", async () => {
    const { impl, calls } = fakeFetch({ "http://proxy": [drain, drain, drain, drain, drain] });
    const http = new HttpTransport(new EndpointPool(["http://proxy"]), quick, impl);
    await assert.rejects(http.send({ ...get("/matchmake/joinOrCreate/word_duel"), method: "POST", body: {} }), (e: LinguaLeapError) => e.code === "UNAVAILABLE" && e.status === 503 && /shutting down/.test(e.message));
    assert.equal(calls.length, 4, "the first try and 3 retries");
  });

  it("sends a 503'd request to the other endpoint, which serves it", async () => {
    const { impl, calls } = fakeFetch({ "http://a": [{ status: 503, body: { code: 503, error: "CLUSTER_UNAVAILABLE: matchmaking is paused; retry shortly" } }] });
    const http = new HttpTransport(new EndpointPool(["http://a", "http://b"]), quick, impl);
    assert.equal((await http.send(get())).endpoint, "http://b");
    assert.equal(http.pool.current, "http://b");
    assert.equal(calls.length, 2);
  });

  it("gives up at once with NETWORK when no endpoint can be reached", async () => {
    const { impl, calls } = fakeFetch({ "http://a": [refused], "http://b": [refused] });
    const http = new HttpTransport(new EndpointPool(["http://a", "http://b"]), quick, impl);
    await assert.rejects(http.send(get()), (e: LinguaLeapError) => e.code === "NETWORK" && /ECONNREFUSED/.test(e.message));
    assert.equal(calls.length, 2);
  });

  it("times out a try on its own (no 5 s agent limit, no endless wait) and moves on", async () => {
    const { impl } = fakeFetch({ "http://a": ["hang"] });
    const http = new HttpTransport(new EndpointPool(["http://a", "http://b"]), quick, impl);
    const started = Date.now();
    const answer = await http.send(get("/x", { timeoutMs: 50 }));
    assert.equal(answer.endpoint, "http://b");
    assert.ok(Date.now() - started < 1000);
    const alone = new HttpTransport(new EndpointPool(["http://a"]), quick, fakeFetch({ "http://a": ["hang"] }).impl);
    await assert.rejects(alone.send(get("/x", { timeoutMs: 50 })), (e: LinguaLeapError) => e.code === "TIMEOUT");
  });

  it("does not resend a request that may have been taken unless it is resendable", async () => {
    const { impl, calls } = fakeFetch({ "http://a": [reset] });
    const http = new HttpTransport(new EndpointPool(["http://a", "http://b"]), quick, impl);
    await assert.rejects(http.send({ ...get("/api/auth/register"), method: "POST", resendable: false }), (e: LinguaLeapError) => e.code === "NETWORK");
    assert.equal(calls.length, 1);
  });

  it("passes an answer that is not 502/503/504 to the caller untouched", async () => {
    const { impl, calls } = fakeFetch({ "http://a": [{ status: 401, body: { error: { code: "AUTH_BAD_TOKEN", message: "x" } } }] });
    const http = new HttpTransport(new EndpointPool(["http://a", "http://b"]), quick, impl);
    const answer = await http.send(get());
    assert.deepEqual([answer.status, answer.endpoint, calls.length], [401, "http://a", 1]);
  });

  it("stops retrying when its caller cancels", async () => {
    const { impl, calls } = fakeFetch({ "http://a": [drain, drain, drain, drain] });
    const http = new HttpTransport(new EndpointPool(["http://a"]), { retries: 3, backoff: { baseMs: 10_000, maxMs: 10_000 } }, impl);
    const ctl = new AbortController();
    const sent = http.send(get("/x", { signal: ctl.signal }));
    setImmediate(() => ctl.abort());
    await assert.rejects(sent, (e: LinguaLeapError) => e.code === "CANCELLED");
    assert.equal(calls.length, 1);
  });

  it("probes a room's process: refused or a proxy's 502 is gone; an answer is alive; silence is unknown", async () => {
    const { impl } = fakeFetch({ "http://dead": [refused], "http://behind-proxy": [{ status: 502, body: "<html>" }], "http://slow": ["hang"], "http://reset": [reset] });
    const http = new HttpTransport(new EndpointPool(["http://a"]), quick, impl);
    assert.equal(await http.probe("http://dead", 100), "gone");
    assert.equal(await http.probe("http://behind-proxy", 100), "gone");
    assert.equal(await http.probe("http://alive", 100), "alive");
    assert.equal(await http.probe("http://slow", 30), "unknown");
    assert.equal(await http.probe("http://reset", 100), "unknown");
  });
});
