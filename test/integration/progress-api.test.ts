import { strict as assert } from "node:assert";
import { Client } from "colyseus.js";
import { LinguaLeapClient } from "../../client-sdk";
import { startServer, type TestServer } from "../helpers/server";
import { playSdkDuel, reviewPrompts } from "./duel-helpers";
import { waitForState } from "../helpers/wait";

async function get(t: TestServer, path: string, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.http}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: await res.json() };
}

/** Two SDK learners play a whole duel; the first answers right, the second wrong. */
describe("progress and leaderboards over HTTP and live", function () {
  let t: TestServer;
  before(async () => {
    t = await startServer();
  });
  after(async () => {
    await t.close();
  });

  it("validates board names, periods, weeks and limits with plain 400s", async () => {
    const cases: [string, RegExp][] = [
      ["/api/leaderboards/klingon", /unknown board "klingon"/],
      ["/api/leaderboards/rating-xx", /unknown board/],
      ["/api/leaderboards/global?period=monthly", /period must be/],
      ["/api/leaderboards/rating-es?period=weekly", /rating boards have no weekly/],
      ["/api/leaderboards/global?period=weekly&week=last", /week goes with period=weekly/],
      ["/api/leaderboards/global?week=2026-W47", /week goes with period=weekly/],
      ["/api/leaderboards/global?period=weekly&week=2026-W00", /week goes with period=weekly/],
      ["/api/leaderboards/global?period=weekly&week=2026-W54", /week goes with period=weekly/],
      ["/api/leaderboards/global?limit=0", /limit must be/],
      ["/api/leaderboards/global?limit=101", /limit must be/],
      ["/api/leaderboards/global?limit=ten", /limit must be/],
      ["/api/leaderboards/global?around=you", /around takes only "me"/],
    ];
    for (const [path, message] of cases) {
      const res = await get(t, path);
      assert.equal(res.status, 400, path);
      assert.equal(res.body.error.code, "BAD_REQUEST");
      assert.match(res.body.error.message, message, path);
    }
    const meWithoutToken = await get(t, "/api/leaderboards/global?around=me");
    assert.equal(meWithoutToken.status, 401);
  });

  it("after a duel: XP, streak and review words on /api/me; ranks on every board; live top rows", async () => {
    const ana = new LinguaLeapClient(t.http);
    const ben = new LinguaLeapClient(t.http);
    await ana.signInAsGuest("Ana");
    await ben.signInAsGuest("Ben");
    const watcher = await new Client(t.ws).joinOrCreate<any>("leaderboard", { board: "es", period: "weekly" });
    await waitForState(watcher, (s: any) => s.board === "es", "board state");
    assert.equal(watcher.state.entries.length, 0);
    const live = waitForState(watcher, (s: any) => s.entries.length === 2, "live top rows after the duel", 10000);
    await playSdkDuel(t, ana, ben);
    const state = await live;
    assert.equal(state.entries[0].name, "Ana");
    assert.equal(state.entries[0].rank, 1);
    assert.equal(state.entries[0].score, 3 * 10 + 25);
    await watcher.leave();

    const me = await ana.me();
    assert.deepEqual([me.xp, me.pendingXp, me.level, me.streak, me.duels, me.wins], [55, 0, 1, 1, 1, 1]);
    const loser = await ben.me();
    assert.equal(loser.review.length, 3, "the missed words come back for review");
    assert.ok(loser.review.every((w) => w.lang === "es" && w.missed === 1 && w.seen === 1));

    for (const board of ["global", "es", "rating-es"]) {
      const res = await get(t, `/api/leaderboards/${board}?around=me&limit=5`, ana.token);
      assert.equal(res.status, 200, board);
      assert.equal(res.body.top[0].name, "Ana", board);
      assert.equal(res.body.me.rank, 1, board);
      assert.deepEqual(res.body.me.around.map((r: any) => r.name), ["Ana", "Ben"], board);
    }
    const weekly = await get(t, "/api/leaderboards/global?period=weekly");
    assert.match(weekly.body.period, /^\d{4}-W\d{2}$/);
    assert.equal(weekly.body.top.length, 2);
    const pastWeek = await get(t, "/api/leaderboards/global?period=weekly&week=2020-W01");
    assert.deepEqual(pastWeek.body.top, []);
  });

  it("matches live boards on the filled-in period and refuses unknown boards", async () => {
    const implicit = await new Client(t.ws).joinOrCreate<any>("leaderboard", { board: "fr" });
    const explicit = await new Client(t.ws).joinOrCreate<any>("leaderboard", { board: "fr", period: "alltime" });
    const weekly = await new Client(t.ws).joinOrCreate<any>("leaderboard", { board: "fr", period: "weekly" });
    assert.equal(implicit.roomId, explicit.roomId);
    assert.notEqual(weekly.roomId, implicit.roomId);
    const state = await waitForState(weekly, (s: any) => typeof s.period === "string" && s.period !== "", "weekly period");
    assert.match(state.period, /^\d{4}-W\d{2}$/);
    weekly.send("anything", { x: 1 }); // watchers' messages are ignored, not fatal
    await assert.rejects(new Client(t.ws).joinOrCreate("leaderboard", { board: "klingon" }), /BAD_REQUEST: unknown board/);
    await assert.rejects(new Client(t.ws).joinOrCreate("leaderboard", { board: "rating-fr", period: "weekly" }), /BAD_REQUEST: rating boards/);
    const stillThere = await waitForState(weekly, (s: any) => s.board === "fr", "weekly board after a stray message");
    assert.equal(stillThere.board, "fr");
    await Promise.all([implicit.leave(), explicit.leave(), weekly.leave()]);
  });

  it("brings missed words back in a review practice", async () => {
    const kim = new LinguaLeapClient(t.http);
    const lee = new LinguaLeapClient(t.http);
    await kim.signInAsGuest("Kim");
    await lee.signInAsGuest("Lee");
    await playSdkDuel(t, lee, kim, "it");
    const missed = (await kim.me()).review.filter((w) => w.lang === "it").map((w) => w.prompt);
    assert.equal(missed.length, 3);
    const prompts = await reviewPrompts(kim, "it");
    assert.deepEqual(prompts.slice().sort(), missed.slice().sort(), "the three rounds are the three missed words");
  });

  it("lets a guest register and keep their progress; validates the time zone", async () => {
    const gus = new LinguaLeapClient(t.http);
    const rae = new LinguaLeapClient(t.http);
    await gus.signInAsGuest("Gus");
    await rae.signInAsGuest("Rae");
    await playSdkDuel(t, gus, rae, "fr");
    const before = await gus.me();
    const res = await fetch(`${t.http}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${gus.token}` },
      body: JSON.stringify({ username: "gus_keeps", password: "long-enough-1" }),
    });
    assert.equal(res.status, 201);
    const session = (await res.json()) as any;
    assert.equal(session.user.id, before.user.id);
    const after = await new LinguaLeapClient(t.http, { token: session.token }).me();
    assert.deepEqual([after.xp, after.user.guest, after.user.username], [before.xp, false, "gus_keeps"]);
    const bad = await fetch(`${t.http}/api/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Tim", timeZone: "Mars/Olympus" }) });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as any).error.message, /^timeZone: must be an IANA time zone/);
  });
});
