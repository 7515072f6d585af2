/**
 * The request log's rules: which request ids are taken, what a line may show (no headers, no
 * secrets in the query), which level each answer gets; and the logger's redaction.
 */
import { strict as assert } from "node:assert";
import type { AddressInfo } from "node:net";
import http from "node:http";
import { Writable } from "node:stream";
import express from "express";
import { createLogger } from "../../server/logger";
import { redactUrl, requestIdFrom, requestLog } from "../../server/http/request-log";
import { errorHandler } from "../../server/http/errors.middleware";
import { waitUntil } from "../helpers/wait";

/** A logger at `level` whose lines land in `lines`. */
function capture(level = "debug") {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
  return { log: createLogger({ LOG_LEVEL: level as "debug" }, sink), lines };
}

describe("request ids", () => {
  it("takes a caller's id of 1–64 letters, digits and . _ : -, and nothing else", () => {
    for (const id of ["a", "7f9c2ba4-e88f-11ee-b962-0242ac120002", "trace.1:2_3-4", "x".repeat(64)]) assert.equal(requestIdFrom(id), id);
    for (const id of [undefined, "", "x".repeat(65), "a b", "a,b", "a\nb", "é", "<script>", "a/b", "a=b", ["a", "b"]]) {
      assert.equal(requestIdFrom(id as string | undefined), undefined, JSON.stringify(id));
    }
  });
});

describe("logged URLs", () => {
  it("keeps the path and harmless parameters, redacts the values of secret ones (any case, %-encoded names too)", () => {
    assert.equal(redactUrl("/api/lessons?lang=es"), "/api/lessons?lang=es");
    assert.equal(redactUrl("/x?token=abc.def&lang=es&Password=hunter2"), "/x?token=[Redacted]&lang=es&Password=[Redacted]");
    assert.equal(redactUrl("/x?%74oken=abc&reconnectionToken=r&access_token=a&flag"), "/x?%74oken=[Redacted]&reconnectionToken=[Redacted]&access_token=[Redacted]&flag");
    assert.equal(redactUrl("/x?%E0%A4=1&token=t"), "/x?%E0%A4=1&token=[Redacted]", "a broken escape is kept as it came");
    const long = redactUrl(`/${"a".repeat(5000)}`);
    assert.ok(long.length <= 302, "a long URL is cut");
  });
});

describe("the request log on a real HTTP server", () => {
  let server: http.Server;
  let base: string;
  let slowArrived = false;
  const { log, lines } = capture();

  before(async () => {
    const app = express();
    app.use(requestLog(log));
    app.get("/ok", (req, res) => {
      (req as unknown as { log: typeof log }).log.info({ step: 1 }, "inside the route");
      res.json({ ok: true });
    });
    app.get("/healthz", (_req, res) => res.json({ ok: true }));
    app.get("/missing", (_req, res) => res.status(404).json({ error: "no" }));
    app.get("/broken", (_req, res) => res.status(500).json({ error: "ours" }));
    app.get("/draining", (_req, res) => res.status(503).json({ error: "later" }));
    app.get("/slow", () => void (slowArrived = true)); // never answers: the client gives up
    app.get("/throws", () => {
      throw new Error("a bug of ours");
    });
    app.use(errorHandler(log, () => undefined));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

  const lineOf = async (id: string) => {
    await waitUntil(() => lines.some((l) => l.requestId === id && "responseTime" in l), `the line of ${id}`);
    return lines.find((l) => l.requestId === id && "responseTime" in l)!;
  };

  it("gives every request an id (the caller's when well-formed), echoes it, and puts it on the route's own lines", async () => {
    const given = await fetch(`${base}/ok`, { headers: { "x-request-id": "given-1" } });
    assert.equal(given.headers.get("x-request-id"), "given-1");
    const made = await fetch(`${base}/ok`, { headers: { "x-request-id": "bad id!" } });
    const id = made.headers.get("x-request-id")!;
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const line = await lineOf("given-1");
    assert.deepEqual([line.level, line.req.method, line.req.url, line.res.statusCode], [30, "GET", "/ok", 200]);
    assert.equal(typeof line.responseTime, "number");
    assert.ok(lines.some((l) => l.requestId === "given-1" && l.msg === "inside the route" && l.step === 1));
    await lineOf(id);
  });

  it("never logs a header, a token or a password", async () => {
    await fetch(`${base}/ok?token=tok-in-query&password=pw-in-query`, {
      headers: { authorization: "Bearer tok-in-header", cookie: "sid=cookie-secret", "x-request-id": "secret-1" },
    });
    const line = await lineOf("secret-1");
    assert.equal(line.req.url, "/ok?token=[Redacted]&password=[Redacted]");
    assert.equal(line.req.headers, undefined);
    const all = JSON.stringify(lines);
    for (const secret of ["tok-in-query", "pw-in-query", "tok-in-header", "cookie-secret", "authorization"]) assert.ok(!all.toLowerCase().includes(secret), secret);
  });

  it("logs a client's mistake and a probe at debug, our faults at error, a 503 at debug (the outage is logged once elsewhere), a request the client gave up on at debug", async () => {
    const status = async (path: string, id: string) => (await fetch(`${base}${path}`, { headers: { "x-request-id": id } })).status;
    assert.equal(await status("/missing", "l-404"), 404);
    assert.equal(await status("/healthz", "l-probe"), 200);
    assert.equal(await status("/broken", "l-500"), 500);
    assert.equal(await status("/draining", "l-503"), 503);
    const gaveUp = new AbortController();
    const slow = fetch(`${base}/slow`, { headers: { "x-request-id": "l-gone" }, signal: gaveUp.signal }).catch(() => "aborted");
    await waitUntil(() => slowArrived, "the slow request to arrive");
    gaveUp.abort();
    assert.equal(await slow, "aborted");
    const levels = await Promise.all(["l-404", "l-probe", "l-500", "l-503", "l-gone"].map(async (id) => (await lineOf(id)).level));
    assert.deepEqual(levels, [20, 20, 50, 20, 20]);
    const ours = await lineOf("l-500");
    assert.equal(ours.err, undefined, "no synthetic stack on a 5xx line");
    assert.equal(ours.msg, "GET 500");
  });

  it("puts the request id on the error handler's line about an error of ours", async () => {
    assert.equal((await fetch(`${base}/throws`, { headers: { "x-request-id": "l-bug" } })).status, 500);
    await lineOf("l-bug");
    const bug = lines.find((l) => l.requestId === "l-bug" && l.msg === "unhandled error in a route");
    assert.ok(bug, "logged with the request's id");
    assert.equal(bug.err.message, "a bug of ours");
  });
});

describe("the request log with the log at warn (errors only, no pino-http)", () => {
  let server: http.Server;
  let base: string;
  const { log, lines } = capture("warn");

  before(async () => {
    const app = express();
    app.use(requestLog(log));
    app.get("/ok", (req, res) => {
      (req as unknown as { log: typeof log }).log.warn({ step: 2 }, "a warning inside the route");
      res.json({ ok: true });
    });
    app.get("/missing", (_req, res) => res.status(404).json({ error: "no" }));
    app.get("/broken", (_req, res) => res.status(500).json({ error: "ours" }));
    app.get("/draining", (_req, res) => res.status(503).json({ error: "later" }));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

  it("still gives every request its id, and writes the error line of a 5xx with the same fields, nothing for the rest", async () => {
    const answer = async (path: string, id: string) => {
      const res = await fetch(`${base}${path}?token=tok-w`, { headers: { "x-request-id": id } });
      assert.equal(res.headers.get("x-request-id"), id);
      return res.status;
    };
    assert.deepEqual([await answer("/ok", "w-ok"), await answer("/missing", "w-404"), await answer("/draining", "w-503"), await answer("/broken", "w-500")], [200, 404, 503, 500]);
    await waitUntil(() => lines.some((l) => l.requestId === "w-500" && "responseTime" in l), "the 500's line");
    const line = lines.find((l) => l.requestId === "w-500" && "responseTime" in l)!;
    assert.deepEqual([line.level, line.msg, line.req.method, line.req.url, line.res.statusCode], [50, "GET 500", "GET", "/broken?token=[Redacted]", 500]);
    assert.equal(typeof line.responseTime, "number");
    assert.ok(lines.some((l) => l.requestId === "w-ok" && l.msg === "a warning inside the route" && l.step === 2), "req.log carries the id");
    assert.deepEqual(lines.filter((l) => "responseTime" in l).map((l) => l.requestId), ["w-500"], "no request line for 200, 404, 503");
  });
});

describe("the logger's redaction", () => {
  it("censors passwords, tokens and credential headers wherever a line holds them", () => {
    const { log, lines } = capture("info");
    log.info({ password: "p1", token: "t1", reconnectionToken: "r1", user: { password: "p2", token: "t2" }, req: { headers: { authorization: "Basic x", cookie: "c" } }, authorization: "Bearer y", keep: "ok" }, "a line");
    const [line] = lines;
    assert.deepEqual([line.password, line.token, line.reconnectionToken, line.user.password, line.user.token, line.req.headers.authorization, line.req.headers.cookie, line.authorization], Array(8).fill("[Redacted]"));
    assert.equal(line.keep, "ok");
  });
});
