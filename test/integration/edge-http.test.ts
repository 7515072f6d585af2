/**
 * Regressions for what a hostile client did over HTTP (issue 9), against the built app on
 * real sockets: unbounded bodies, 500s for a client's mistakes, limits that a header could
 * dodge, and sockets that pile up.
 */
import { strict as assert } from "node:assert";
import http from "node:http";
import net from "node:net";
import jwt from "jsonwebtoken";
import { matchMaker } from "@colyseus/core";
import WebSocket from "ws";
import { startServer, TEST_ENV, type TestServer } from "../helpers/server";
import { call, expectError, INTERNAL_TEXT, json } from "../helpers/http";
import { withTimeout } from "../helpers/wait";
import { MemoryStore } from "../../server/store/MemoryStore";
import { GuestReaper } from "../../server/guests";
import pino from "pino";

/** Sends `mb` megabytes to `path`, chunked or with a Content-Length; resolves with the status. */
function bigBody(t: TestServer, path: string, mb: number, sized: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = sized ? { "content-type": "application/json", "content-length": String(mb << 20) } : { "content-type": "application/json", "transfer-encoding": "chunked" };
    const req = http.request(`${t.http}${path}`, { method: "POST", headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(1 << 20, "x");
    let sent = 0;
    const pump = (): void => {
      while (sent < mb) {
        sent += 1;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

const from = (address: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string>), "x-forwarded-for": address } });

describe("HTTP at the edge: bounded, plain, and limited", function () {
  this.timeout(30000);
  let t: TestServer;
  before(async () => {
    t = await startServer({ ADMIN_USER: "admin", ADMIN_PASSWORD: "correct-horse-battery" });
  });
  after(() => t.close());

  // The server's memory under such bodies is measured in its own process by the fuzz suite.
  it("refuses huge bodies before buffering them, on every path Colyseus used to take", async () => {
    assert.equal(await bigBody(t, "/matchmake/joinOrCreate/word_duel", 300, true), 413);
    assert.equal(await bigBody(t, "/matchmake/joinOrCreate/word_duel", 50, false), 413);
    assert.equal(await bigBody(t, "/matchmake", 50, false), 404, "only /matchmake/<method>/<room> is matchmaking");
    assert.equal(await bigBody(t, "/api/auth/guest", 50, false), 413);
    const over = await call(t, "/matchmake/joinOrCreate/word_duel", json({ lang: "es", mode: "typed", pad: "x".repeat(5000) }));
    assert.deepEqual([over.status, over.body.code], [413, 413]);
    assert.match(over.body.error, /^BODY_TOO_LARGE: /, "in Colyseus's shape, so colyseus.js reads it");
    const notJson = await call(t, "/matchmake/joinOrCreate/word_duel", { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    assert.deepEqual([notJson.status, notJson.body.error], [400, "BAD_REQUEST: the request body is not valid JSON"]);
  });

  it("answers a client's malformed request with a 400, never a 500", async () => {
    expectError(await call(t, "/api/auth/guest", { method: "POST", headers: { "content-type": "application/json", "content-encoding": "gzip" }, body: '{"name":"x"}' }), 400, "BAD_REQUEST");
    expectError(await call(t, "/api/auth/guest", { method: "POST", headers: { "content-type": "application/json", "content-encoding": "br" }, body: '{"name":"x"}' }), 400, "BAD_REQUEST");
    for (const path of ["/api/lessons/%E0%A4%A", "/api/challenges/%ZZ", "/api/leaderboards/%", "/matchmake/joinById/%E0"]) {
      const res = await call(t, path, path.startsWith("/matchmake") ? json({}) : undefined);
      assert.equal(res.status, 400, path);
      assert.doesNotMatch(JSON.stringify(res.body), INTERNAL_TEXT);
    }
    assert.equal((await call(t, "/api/languages", { headers: { "content-encoding": "gzip" } })).status, 200, "a GET without a body is fine");
    for (const body of [{}, { reconnectionToken: { $gt: "" } }, { reconnectionToken: "__proto__ x" }]) {
      const res = await call(t, "/matchmake/reconnect/someRoom", json(body));
      assert.deepEqual([res.status, res.body.code], [400, 400], JSON.stringify(body));
    }
  });

  it("refuses a WebSocket whose room id names an Object.prototype member, before Colyseus looks it up", async () => {
    for (const roomId of ["constructor", "__proto__", "hasOwnProperty"]) {
      const ws = new WebSocket(`${t.ws}/${matchMaker.processId}/${roomId}?sessionId=x`);
      const status = await withTimeout(new Promise<number>((resolve) => {
        ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.once("open", () => resolve(101));
      }), 3000, "the upgrade");
      assert.equal(status, 400, roomId);
    }
  });

  it("sends security headers: a CSP the game runs under, no framing, nosniff, no referrer", async () => {
    for (const path of ["/", "/api/languages"]) {
      const res = await fetch(`${t.http}${path}`);
      const csp = res.headers.get("content-security-policy") ?? "";
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /upgrade-insecure-requests/, "the game runs on plain http on loopback");
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(res.headers.get("referrer-policy"), "no-referrer");
      assert.equal(res.headers.get("x-powered-by"), null);
    }
    const monitor = await fetch(`${t.http}/colyseus/`, { headers: { authorization: `Basic ${Buffer.from("admin:correct-horse-battery").toString("base64")}` } });
    assert.match(monitor.headers.get("content-security-policy") ?? "", /style-src 'self' 'unsafe-inline'/, "the monitor injects its styles");
  });

  it("answers other origins nothing by default (same origin only)", async () => {
    const pre = await fetch(`${t.http}/api/auth/guest`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    assert.equal(pre.headers.get("access-control-allow-origin"), null);
    const mm = await fetch(`${t.http}/matchmake/joinOrCreate/leaderboard`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    assert.equal(mm.headers.get("access-control-allow-origin"), null, "matchmaking no longer reflects any Origin");
  });

  it("refuses tokens without exp, or living longer than JWT_TTL_SECONDS", async () => {
    const guest = await call(t, "/api/auth/guest", json({ name: "Tim" }));
    const sub = guest.body.user.id;
    for (const options of [{}, { expiresIn: 400 * 86400 }]) {
      const token = jwt.sign({ name: "Tim", guest: true }, TEST_ENV.JWT_SECRET, { subject: sub, issuer: "lingualeap", ...options });
      expectError(await call(t, "/api/me", { headers: { authorization: `Bearer ${token}` } }), 401, "AUTH_BAD_TOKEN");
    }
  });
});

describe("HTTP at the edge: every /api request counts against its address (API_REQUESTS_PER_MINUTE_PER_ADDRESS)", function () {
  this.timeout(30000);
  let t: TestServer;
  before(async () => {
    t = await startServer({ TRUST_PROXY: "loopback", API_REQUESTS_PER_MINUTE_PER_ADDRESS: "4", CORS_ORIGINS: "https://play.example.org" });
  });
  after(() => t.close());

  it("refuses the request past the limit with 429 RATE_LIMITED and Retry-After, on any route and method, one count per client behind the proxy", async () => {
    const at = "10.3.0.1";
    const answers = [];
    for (const path of ["/api/languages", "/api/leaderboards/global", "/api/lessons?lang=es", "/api/nope"]) answers.push(await call(t, path, from(at)));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 404], "the first four go through, a 404 counts too");
    const over = await call(t, "/api/leaderboards/global", from(at));
    expectError(over, 429, "RATE_LIMITED");
    assert.ok(Number(over.headers.get("retry-after")) >= 1 && Number(over.headers.get("retry-after")) <= 60);
    expectError(await call(t, "/api/auth/guest", from(at, json({ name: "Late" }))), 429, "RATE_LIMITED");
    assert.equal((await call(t, "/api/languages", from("10.3.0.2"))).status, 200, "another client behind the same proxy has its own count");
    assert.equal((await fetch(`${t.http}/healthz`, from(at))).status, 200, "probes are not /api");
  });

  it("counts one address however it is written, and an IPv6 /64 as one client", async () => {
    const spellings = ["10.3.0.9", "::ffff:10.3.0.9", "010.003.000.009", "::FFFF:10.3.0.9"];
    const v4 = [];
    for (const at of [...spellings, "10.3.0.9"]) v4.push((await call(t, "/api/languages", from(at))).status);
    assert.deepEqual(v4, [200, 200, 200, 200, 429]);
    const v6 = [];
    for (let i = 1; i <= 5; i++) v6.push((await call(t, "/api/languages", from(`2001:db8:7:7::${i.toString(16)}`))).status);
    assert.deepEqual(v6, [200, 200, 200, 200, 429], "five addresses of one /64 share its count");
    assert.equal((await call(t, "/api/languages", from("2001:db8:7:8::1"))).status, 200, "the next /64 has its own");
  });

  it("refuses a flood before reading its bodies, and answers CORS preflights without counting them", async () => {
    const at = "10.3.0.3";
    for (let i = 0; i < 6; i++) {
      const pre = await fetch(`${t.http}/api/auth/guest`, { method: "OPTIONS", headers: { "x-forwarded-for": at, origin: "https://play.example.org", "access-control-request-method": "POST" } });
      assert.equal(pre.status, 204);
    }
    for (let i = 0; i < 4; i++) await call(t, "/api/languages", from(at));
    // A body over BODY_LIMIT_BYTES would be a 413 if it were read: the limit answers first.
    expectError(await call(t, "/api/auth/guest", from(at, json({ name: "x".repeat(20_000) }))), 429, "RATE_LIMITED");
  });
});

describe("HTTP at the edge: origins allowed by CORS_ORIGINS, and X-Forwarded-For from nobody trusted", function () {
  let t: TestServer;
  before(async () => {
    t = await startServer({ CORS_ORIGINS: "https://play.example.org", GUESTS_PER_ADDRESS_PER_DAY: "2" });
  });
  after(() => t.close());

  it("lets a configured origin call /api and /matchmake with credentials, and no other", async () => {
    for (const path of ["/api/auth/guest", "/matchmake/joinOrCreate/word_duel"]) {
      const ok = await fetch(`${t.http}${path}`, { method: "OPTIONS", headers: { origin: "https://play.example.org", "access-control-request-method": "POST", "access-control-request-headers": "content-type,authorization" } });
      assert.equal(ok.headers.get("access-control-allow-origin"), "https://play.example.org", path);
      assert.equal(ok.headers.get("access-control-allow-credentials"), "true");
      const other = await fetch(`${t.http}${path}`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
      assert.equal(other.headers.get("access-control-allow-origin"), null);
    }
    // The SDK's setInterfaceLanguage is a PUT: its preflight must allow it.
    const put = await fetch(`${t.http}/api/me/ui-language`, { method: "OPTIONS", headers: { origin: "https://play.example.org", "access-control-request-method": "PUT", "access-control-request-headers": "content-type,authorization" } });
    assert.equal(put.headers.get("access-control-allow-origin"), "https://play.example.org");
    assert.match(put.headers.get("access-control-allow-methods") ?? "", /\bPUT\b/);
  });

  it("ignores X-Forwarded-For when TRUST_PROXY is unset: a client cannot claim new addresses", async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(t, "/api/auth/guest", from(`10.9.0.${i}`, json({ name: "Spoof" })))).status);
    assert.deepEqual(statuses, [201, 201, 429, 429]);
  });
});

describe("HTTP at the edge: limits per address and per account, with Retry-After (behind a trusted proxy)", function () {
  this.timeout(30000);
  let t: TestServer;
  before(async () => {
    t = await startServer({
      TRUST_PROXY: "loopback", GUESTS_PER_ADDRESS_PER_DAY: "2", MATCHMAKE_PER_MINUTE: "3", MATCHMAKE_PER_MINUTE_PER_ADDRESS: "5",
      ROOMS_PER_MINUTE: "2", CHALLENGE_LOOKUPS_PER_MINUTE: "3", ADMIN_AUTH_FAILURES_PER_HOUR: "3", ADMIN_USER: "admin", ADMIN_PASSWORD: "correct-horse-battery",
    });
  });
  after(() => t.close());
  let next = 0;
  /** A fresh client address, as the trusted proxy reports it. */
  const address = () => `10.1.0.${++next}`;
  const guest = async (at = address()) => (await call(t, "/api/auth/guest", from(at, json({ name: "Lim" })))).body.token as string;

  it("caps guest accounts per address per day, one bucket per client behind the proxy", async () => {
    const at = address();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await call(t, "/api/auth/guest", from(at, json({ name: "Day" }))));
    assert.deepEqual(statuses.map((s) => s.status), [201, 201, 429]);
    expectError(statuses[2], 429, "RATE_LIMITED");
    assert.ok(Number(statuses[2].headers.get("retry-after")) > 3600, "come back tomorrow");
    assert.equal((await call(t, "/api/auth/guest", from(address(), json({ name: "Other" })))).status, 201, "another learner behind the same proxy");
  });

  it("limits matchmaking per account, whatever address it comes from", async () => {
    const token = await guest();
    const ask = () => call(t, "/matchmake/join/word_duel", from(address(), json({ lang: "es", mode: "typed" }, token)));
    const answers = [await ask(), await ask(), await ask(), await ask()];
    assert.deepEqual(answers.map((a) => a.body.code), [4211, 4211, 4211, 429]);
    assert.equal(answers[3].status, 429);
    assert.match(answers[3].body.error, /^RATE_LIMITED: /);
    assert.ok(Number(answers[3].headers.get("retry-after")) >= 1);
  });

  it("limits matchmaking per address, with or without a token", async () => {
    const at = address();
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(t, "/matchmake/joinOrCreate/leaderboard", from(at, json({ board: "global", period: "alltime" })))).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
  });

  it("limits the rooms one account creates (a join that finds a room creates none)", async () => {
    const token = await guest();
    const create = () => call(t, "/matchmake/create/practice", from(address(), json({ lang: "es", mode: "choice" }, token)));
    const answers = [await create(), await create(), await create()];
    assert.ok(answers[0].body.room && answers[1].body.room, "two rooms");
    assert.deepEqual([answers[2].status, answers[2].body.code], [429, 429]);
    assert.match(answers[2].body.error, /^RATE_LIMITED: you are opening rooms too fast/);
  });

  it("limits challenge-code lookups per address", async () => {
    const at = address();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(t, "/api/challenges/ABCDEF", from(at))).status);
    assert.deepEqual(statuses, [404, 404, 404, 429]);
  });

  it("locks an address out of the admin pages after failed sign-ins, even with the right password", async () => {
    const at = address();
    const basic = (password: string) => from(at, { headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}` } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(t, "/admin/results", basic("guess"))).status);
    statuses.push((await call(t, "/admin/results", basic("correct-horse-battery"))).status);
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    const elsewhere = await call(t, "/admin/results", { headers: { authorization: `Basic ${Buffer.from("admin:correct-horse-battery").toString("base64")}`, "x-forwarded-for": address() } });
    assert.deepEqual(elsewhere.body, { pending: 0, outbox: 0, deadLetters: 0 });
  });

  it("counts admin sign-in failures sent at once before checking any of them (no race past the lockout)", async () => {
    const at = address();
    const basic = (password: string) => from(at, { headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString("base64")}` } });
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => call(t, "/admin/results", basic(`guess${i}`))));
    const statuses = burst.map((r) => r.status).sort();
    assert.deepEqual(statuses, [401, 401, 401, ...Array(9).fill(429)], "3 guesses checked, the other 9 refused unchecked");
    assert.equal((await call(t, "/admin/results", basic("correct-horse-battery"))).status, 429, "the right password does not get in past the limit");
  });
});

describe("HTTP at the edge: sockets that do not pile up", function () {
  let t: TestServer;
  before(async () => {
    // 127.0.0.1 plays the trusted proxy; 127.0.0.2 (loopback too) a client connecting directly.
    t = await startServer({ CONNECTIONS_PER_ADDRESS: "3", HTTP_HEADERS_TIMEOUT_MS: "1000", TRUST_PROXY: "127.0.0.1" });
  });
  after(() => t.close());

  const connect = () => new Promise<net.Socket>((resolve, reject) => {
    const socket = net.connect({ port: t.port, host: "127.0.0.1", localAddress: "127.0.0.2" }, () => resolve(socket));
    socket.on("error", reject);
  });
  /** Resolves when the server closes `socket` (read it: a paused socket never sees the end). */
  const closes = (socket: net.Socket, ms: number) => withTimeout(new Promise<void>((r) => socket.once("close", () => r()).resume()), ms, "the server to close the socket");

  it("closes a direct peer's connections past CONNECTIONS_PER_ADDRESS", async () => {
    const held = [await connect(), await connect(), await connect()];
    const extra = await connect();
    await closes(extra, 2000);
    held.forEach((s) => s.destroy());
  });

  it("closes a socket that sends its headers too slowly", async () => {
    const slow = await connect();
    slow.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    const started = Date.now();
    await closes(slow, 4000);
    assert.ok(Date.now() - started >= 900, "after HTTP_HEADERS_TIMEOUT_MS");
  });

  it("caps open WebSockets per client address behind a proxy", async () => {
    const seats = [];
    for (let i = 0; i < 3; i++) seats.push((await call(t, "/matchmake/joinOrCreate/leaderboard", json({ board: "global", period: "alltime" }))).body);
    // The cap is checked at the upgrade, before any seat: a fourth needs no reservation.
    seats.push({ ...seats[0], sessionId: "none" });
    const open = (seat: any) => new WebSocket(`${t.ws}/${seat.room.processId}/${seat.room.roomId}?sessionId=${seat.sessionId}`, { headers: { "x-forwarded-for": "10.3.0.1" } });
    const upgraded = (ws: WebSocket) => withTimeout(new Promise<number>((resolve) => {
      ws.once("open", () => resolve(101));
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    }), 3000, "the upgrade");
    const first = seats.slice(0, 3).map(open);
    assert.deepEqual(await Promise.all(first.map(upgraded)), [101, 101, 101]);
    assert.equal(await upgraded(open(seats[3])), 429);
    first.forEach((ws) => ws.close());
  });
});

describe("passwords: hashes made at an older cost are upgraded at the next login", function () {
  this.timeout(30000);
  it("keeps the account signing in, and stores a hash at the current cost", async () => {
    const store = new MemoryStore();
    let t = await startServer({ PASSWORD_SCRYPT_LOG2N: "14" }, store);
    assert.equal((await call(t, "/api/auth/register", json({ username: "old_hash", password: "a long password" }))).status, 201);
    const id = (await store.userByUsername("old_hash"))!.id;
    assert.match((await store.userById(id))!.passwordHash!, /^scrypt\$16384\$/);
    await t.close();
    t = await startServer({}, store);
    try {
      assert.equal((await call(t, "/api/auth/login", json({ username: "old_hash", password: "a long password" }))).status, 200);
      assert.match((await store.userById(id))!.passwordHash!, /^scrypt\$131072\$8\$1\$/, "upgraded to N = 2^17");
      assert.equal((await call(t, "/api/auth/login", json({ username: "old_hash", password: "a long password" }))).status, 200, "and it still signs in");
      expectError(await call(t, "/api/auth/login", json({ username: "old_hash", password: "wrong password" })), 401, "AUTH_BAD_CREDENTIALS");
    } finally {
      await t.close();
    }
  });
});

describe("guests who never play expire", function () {
  it("deletes a guest GUEST_IDLE_HOURS after sign-up unless they finished a duel or practice", async () => {
    const t = await startServer({ GUEST_IDLE_HOURS: "2" });
    try {
      const idle = await call(t, "/api/auth/guest", json({ name: "Idle" }));
      const player = await call(t, "/api/auth/guest", json({ name: "Player" }));
      const expiresAt = (await t.store.userById(idle.body.user.id))!.expiresAt!;
      assert.ok(Math.abs(expiresAt - (Date.now() + 2 * 3_600_000)) < 60_000, "two hours ahead");
      await t.server.recorder.record({
        matchId: "practice-1", lang: "es", mode: "typed", practice: true, finishedAt: Date.now(),
        players: [{ userId: player.body.user.id, name: "Player", score: 900, placement: 1, won: true, forfeited: false, isBot: false, words: [{ prompt: "apple", verdict: "correct" }] }],
      });
      const later = new GuestReaper(t.store, () => [], pino({ level: "silent" }), () => Date.now() + 3 * 3_600_000);
      assert.equal(await later.sweep(), 1);
      expectError(await call(t, "/api/me", { headers: { authorization: `Bearer ${idle.body.token}` } }), 401, "AUTH_UNKNOWN_USER");
      assert.equal((await call(t, "/api/me", { headers: { authorization: `Bearer ${player.body.token}` } })).status, 200, "a guest who played stays");
    } finally {
      await t.close();
    }
  });
});
