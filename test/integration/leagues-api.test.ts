import { strict as assert } from "node:assert";
import { LinguaLeapClient } from "../../client-sdk";
import { startServer, type TestServer } from "../helpers/server";
import { playSdkDuel } from "./duel-helpers";
import { TIERS } from "../../server/leagues.rules";
import { call } from "../helpers/http";

const get = (t: TestServer, path: string, token?: string) => call(t, path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("GET /api/leagues/me", function () {
  let t: TestServer;
  before(async () => {
    t = await startServer({ LEAGUE_COHORT_SIZE: "3", LEAGUE_PROMOTE: "1", LEAGUE_DEMOTE: "1" });
  });
  after(async () => {
    await t.close();
  });

  it("asks for a token, and shows a learner with no XP this week their tier and no cohort", async () => {
    const res = await get(t, "/api/leagues/me");
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, "AUTH_MISSING_TOKEN");
    const cam = new LinguaLeapClient(t.http);
    await cam.signInAsGuest("Cam");
    const page = await get(t, "/api/leagues/me", cam.token);
    assert.equal(page.status, 200);
    assert.ok(Math.abs(page.body.now - Date.now()) < 5000, "the server's clock");
    assert.deepEqual([page.body.joined, page.body.tier, page.body.tierName, page.body.cohort, page.body.me, page.body.last], [false, 0, "Bronze", null, null, null]);
    assert.deepEqual(page.body.tiers, [...TIERS]);
    assert.match(page.body.week, /^\d{4}-W\d{2}$/);
    assert.ok(page.body.startsAt <= Date.now() && Date.now() < page.body.endsAt);
    assert.equal(page.body.endsAt - page.body.startsAt, 7 * 86_400_000);
  });

  it("after duels, the learners who earned XP stand in one cohort by the week's XP (a tie by arrival), the first in the promotion zone", async () => {
    const [ana, ben, dan] = [new LinguaLeapClient(t.http), new LinguaLeapClient(t.http), new LinguaLeapClient(t.http)];
    await ana.signInAsGuest("Ana");
    await ben.signInAsGuest("Ben");
    await dan.signInAsGuest("Dan");
    await playSdkDuel(t, ana, dan); // Ana 55 XP, Dan none: Dan is not placed
    await playSdkDuel(t, ben, dan); // Ben 55 XP, arriving after Ana
    const page = (await get(t, "/api/leagues/me", ben.token)).body;
    assert.equal(page.joined, true);
    assert.deepEqual(page.cohort.standings.map((s: any) => [s.rank, s.name, s.xp, s.zone]), [[1, "Ana", 55, "up"], [2, "Ben", 55, "stay"]]);
    assert.deepEqual([page.cohort.size, page.cohort.promote, page.cohort.demote], [3, 1, 0]);
    assert.deepEqual(page.me, { rank: 2, xp: 55, zone: "stay" });
    assert.equal((await get(t, "/api/leagues/me", dan.token)).body.joined, false);
  });
});
