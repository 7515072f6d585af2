import { strict as assert } from "node:assert";
import { createHmac } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import jwt from "jsonwebtoken";
import { Client } from "colyseus.js";
import { realDecks, startServer, TEST_ENV, type TestServer } from "../helpers/server";
import { homeRoutes } from "../../server/http/home.routes";
import { webRoutes } from "../../server/http/web.routes";
import { LessonCatalog } from "../../server/lessons.service";
import { call, expectError, json } from "../helpers/http";

/** A JWT with `alg: none`: header.payload. with an empty signature. */
function unsignedToken(sub: string): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "none", typ: "JWT" })}.${enc({ sub, name: "Mallory", iss: "lingualeap", exp: Math.floor(Date.now() / 1000) + 600 })}.`;
}

describe("HTTP API against the built app", function () {
  let t: TestServer;
  before(async () => {
    t = await startServer({ ADMIN_USER: "admin", ADMIN_PASSWORD: "correct-horse-battery" });
  });
  after(async () => {
    await t.close();
  });

  describe("home page", () => {
    it("without a built game, says how to build it and play, and lists the languages", async () => {
      // The same routes the app mounts when web/dist is missing (one Colyseus server per
      // process, so this one is a bare Express app).
      assert.equal(webRoutes(join(tmpdir(), "lingualeap-no-web-build")), null);
      const app = express().use(homeRoutes(new LessonCatalog(realDecks()).languages()));
      const server = app.listen(0, "127.0.0.1");
      await once(server, "listening");
      try {
        const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        assert.equal(res.status, 200);
        assert.match(res.headers.get("content-type") ?? "", /text\/html/);
        const html = await res.text();
        assert.match(html, /npm run build:web/);
        assert.match(html, /npm run play/);
        assert.match(html, /Português/);
      } finally {
        server.close();
      }
    });
  });

  describe("health", () => {
    it("answers /healthz and /readyz", async () => {
      assert.deepEqual((await call(t, "/healthz")).body, { ok: true });
      const ready = await call(t, "/readyz");
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body.languages.slice().sort(), ["de", "es", "fr", "it", "pt"]);
    });
  });

  describe("auth", () => {
    it("signs in a guest, whose token opens /api/me", async () => {
      const guest = await call(t, "/api/auth/guest", json({ name: "  Zoë  Smith " }));
      assert.equal(guest.status, 201);
      assert.equal(guest.body.user.name, "Zoë Smith");
      const me = await call(t, "/api/me", { headers: { authorization: `Bearer ${guest.body.token}` } });
      assert.equal(me.status, 200);
      assert.equal(me.body.user.id, guest.body.user.id);
      assert.deepEqual([me.body.xp, me.body.level, me.body.streak], [0, 1, 0]);
      assert.deepEqual(me.body.ratings, {});
    });

    it("registers, refuses a taken username, logs in, refuses a wrong password", async () => {
      const reg = await call(t, "/api/auth/register", json({ username: "maria_1", password: "s3cret-pass" }));
      assert.equal(reg.status, 201);
      assert.equal(reg.body.user.name, "maria_1");
      expectError(await call(t, "/api/auth/register", json({ username: "MARIA_1", password: "another-pass" })), 409, "AUTH_USERNAME_TAKEN");
      const login = await call(t, "/api/auth/login", json({ username: "maria_1", password: "s3cret-pass" }));
      assert.equal(login.status, 200);
      assert.equal(login.body.user.id, reg.body.user.id);
      expectError(await call(t, "/api/auth/login", json({ username: "maria_1", password: "wrong-pass" })), 401, "AUTH_BAD_CREDENTIALS");
      expectError(await call(t, "/api/auth/login", json({ username: "nobody_here", password: "whatever1" })), 401, "AUTH_BAD_CREDENTIALS");
      expectError(await call(t, "/api/auth/login", json({ username: "maria_1", password: "short" })), 401, "AUTH_BAD_CREDENTIALS");
      expectError(await call(t, "/api/auth/login", json({ username: "maria_1" })), 400, "BAD_REQUEST");
    });

    it("answers bad bodies with 400 naming the field", async () => {
      const cases: [string, unknown, string][] = [
        ["/api/auth/guest", {}, "name"],
        ["/api/auth/guest", { name: "" }, "name"],
        ["/api/auth/guest", { name: "x".repeat(40) }, "name"],
        ["/api/auth/guest", { name: "<script>" }, "name"],
        ["/api/auth/register", { username: "ab", password: "longenough" }, "username"],
        ["/api/auth/register", { username: "valid_name", password: "short" }, "password"],
        ["/api/auth/register", { username: "valid_name", password: 12345678 }, "password"],
      ];
      for (const [path, body, field] of cases) {
        const res = await call(t, path, json(body));
        expectError(res, 400, "BAD_REQUEST");
        assert.ok(res.body.error.message.startsWith(field), `${path} ${JSON.stringify(body)} → ${res.body.error.message}`);
      }
      const notJson = await call(t, "/api/auth/guest", { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
      expectError(notJson, 400, "BAD_REQUEST");
    });

    it("limits the body size", async () => {
      expectError(await call(t, "/api/auth/guest", json({ name: "a", pad: "x".repeat(64 * 1024) })), 413, "BODY_TOO_LARGE");
    });

    it("refuses missing, forged, expired and alg:none tokens", async () => {
      const guest = await call(t, "/api/auth/guest", json({ name: "Eve" }));
      const me = (token?: string) => call(t, "/api/me", { headers: token ? { authorization: `Bearer ${token}` } : {} });
      expectError(await me(), 401, "AUTH_MISSING_TOKEN");
      const [h, p] = guest.body.token.split(".");
      const forged = `${h}.${p}.${createHmac("sha256", "not-the-secret").update(`${h}.${p}`).digest("base64url")}`;
      expectError(await me(forged), 401, "AUTH_BAD_TOKEN");
      expectError(await me(unsignedToken(guest.body.user.id)), 401, "AUTH_BAD_TOKEN");
      expectError(await me("not.a.jwt"), 401, "AUTH_BAD_TOKEN");
      const expired = jwt.sign({ name: "Eve", guest: true }, TEST_ENV.JWT_SECRET, { subject: guest.body.user.id, issuer: "lingualeap", expiresIn: -10 });
      expectError(await me(expired), 401, "AUTH_TOKEN_EXPIRED");
    });

    it("refuses rooms to missing, forged, expired and alg:none tokens, and bad join options", async () => {
      const guest = await call(t, "/api/auth/guest", json({ name: "Eve" }));
      const expired = jwt.sign({ name: "Eve", guest: true }, TEST_ENV.JWT_SECRET, { subject: guest.body.user.id, issuer: "lingualeap", expiresIn: -10 });
      const forged = jwt.sign({ name: "Admin", guest: false }, "a-different-secret-of-enough-length-000", { subject: "x", issuer: "lingualeap" });
      const attempt = async (token: string | undefined, options: object) => {
        const client = new Client(t.ws);
        if (token) client.auth.token = token;
        try {
          await client.joinOrCreate("word_duel", options);
          return "joined";
        } catch (err) {
          return (err as Error).message;
        }
      };
      const ok = { lang: "es", mode: "typed" };
      assert.match(await attempt(undefined, ok), /AUTH_MISSING_TOKEN/);
      assert.match(await attempt(forged, ok), /AUTH_BAD_TOKEN/);
      assert.match(await attempt(expired, ok), /AUTH_TOKEN_EXPIRED/);
      assert.match(await attempt(unsignedToken(guest.body.user.id), ok), /AUTH_BAD_TOKEN/);
      const ghost = jwt.sign({ name: "Ghost", guest: true }, TEST_ENV.JWT_SECRET, { subject: "no-such-user", issuer: "lingualeap", expiresIn: 600 });
      assert.match(await attempt(ghost, ok), /AUTH_UNKNOWN_USER/);
      assert.match(await attempt(undefined, { lang: "xx" }), /AUTH_MISSING_TOKEN/, "the token is checked before the options");
      assert.match(await attempt(guest.body.token, { mode: "typed" }), /DUEL_BAD_OPTIONS: the "lang" option is required/);
      assert.match(await attempt(guest.body.token, { lang: "xx", mode: "typed" }), /DUEL_BAD_OPTIONS: unknown lang "xx"/);
      assert.match(await attempt(guest.body.token, { lang: "es" }), /DUEL_BAD_OPTIONS: the "mode" option/);
      assert.match(await attempt(guest.body.token, { lang: "es", mode: "typed", direction: "up" }), /DUEL_BAD_OPTIONS: the "direction" option/);
      assert.match(await attempt(guest.body.token, { lang: "es", mode: "typed", lessonId: "fr-food" }), /DUEL_BAD_OPTIONS: no lesson "fr-food" in es/);
    });

    it("limits sign-in attempts per address", async () => {
      const limited = await startServerOnce({ AUTH_RATE_PER_MINUTE: "3" });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) statuses.push((await call(limited, "/api/auth/login", json({ username: "someone", password: "password1" }))).status);
        assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
      } finally {
        await limited.close();
      }
    });
  });

  describe("lessons", () => {
    it("lists languages, lessons and one lesson", async () => {
      const langs = await call(t, "/api/languages");
      assert.deepEqual(langs.body.map((l: any) => l.code).sort(), ["de", "es", "fr", "it", "pt"]);
      assert.ok(langs.body.every((l: any) => l.name && l.nativeName));
      assert.deepEqual(langs.body.find((l: any) => l.code === "de").keyboard, ["ä", "ö", "ü", "ß"]);
      const lessons = await call(t, "/api/lessons?lang=fr");
      assert.ok(lessons.body.length >= 12);
      const first = lessons.body[0];
      assert.deepEqual(Object.keys(first).sort(), ["id", "level", "title", "wordCount"]);
      const lesson = await call(t, `/api/lessons/${first.id}`);
      assert.equal(lesson.body.lang, "fr");
      assert.equal(lesson.body.words.length, first.wordCount);
      assert.ok(lesson.body.words.every((w: any) => typeof w.prompt === "string" && w.answers.length >= 1));
    });
    it("answers unknown languages and lessons plainly", async () => {
      expectError(await call(t, "/api/lessons?lang=xx"), 400, "LESSON_UNKNOWN_LANG");
      expectError(await call(t, "/api/lessons"), 400, "LESSON_UNKNOWN_LANG");
      expectError(await call(t, "/api/lessons/es-nothing"), 404, "LESSON_NOT_FOUND");
      expectError(await call(t, "/api/nothing"), 404, "NOT_FOUND");
    });
  });

  describe("monitor", () => {
    it("is admin only", async () => {
      const anon = await fetch(`${t.http}/colyseus/`);
      assert.equal(anon.status, 401);
      const wrong = await fetch(`${t.http}/colyseus/api`, { headers: { authorization: `Basic ${Buffer.from("admin:nope").toString("base64")}` } });
      assert.equal(wrong.status, 401);
      const admin = await fetch(`${t.http}/colyseus/api`, { headers: { authorization: `Basic ${Buffer.from("admin:correct-horse-battery").toString("base64")}` } });
      assert.equal(admin.status, 200);
      const body = await admin.json();
      assert.ok(Array.isArray(body.rooms));
    });
  });
});

/** A second server with other settings; a process holds one Colyseus server at a time. */
async function startServerOnce(env: Record<string, string>): Promise<TestServer> {
  return startServer(env);
}
