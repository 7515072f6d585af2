/**
 * Spaced-repetition reviews and the word-difficulty report end to end: results recorded in
 * the store schedule each word (FSRS); /api/me counts the words due; a review practice asks
 * them first; the admin report sums real play per word, behind the admin credentials.
 */
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { LinguaLeapClient } from "../../client-sdk";
import type { MatchResult } from "../../rooms/shared/match-result";
import { MemoryStore } from "../../server/store/MemoryStore";
import { startServer, type TestServer } from "../helpers/server";
import { playSdkDuel, reviewPrompts } from "./duel-helpers";

const ADMIN = { ADMIN_USER: "designer", ADMIN_PASSWORD: "reviews-report-test-password" };
const basic = `Basic ${Buffer.from(`${ADMIN.ADMIN_USER}:${ADMIN.ADMIN_PASSWORD}`).toString("base64")}`;

async function get(t: TestServer, path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: any }> {
  const res = await fetch(`${t.http}${path}`, { headers });
  const type = res.headers.get("content-type") ?? "";
  return { status: res.status, type, body: type.includes("json") ? await res.json() : await res.text() };
}

/** A practice result of one learner, `daysAgo` days back, with these verdicts for these prompts. */
function practiceResult(userId: string, daysAgo: number, words: MatchResult["players"][number]["words"]): MatchResult {
  return {
    matchId: randomUUID(), lang: "es", mode: "typed", practice: true, finishedAt: Date.now() - daysAgo * 86_400_000,
    players: [{ userId, name: "Ada", score: 0, placement: 1, won: false, forfeited: false, isBot: false, words }],
  };
}

describe("reviews (FSRS) and the word-difficulty report", function () {
  let t: TestServer;
  const store = new MemoryStore();
  before(async () => {
    t = await startServer(ADMIN, store);
  });
  after(async () => {
    await t.close();
  });

  it("counts the words due on /api/me and asks them first in a review practice", async () => {
    const ada = new LinguaLeapClient(t.http);
    await ada.signInAsGuest("Ada");
    const { user } = await ada.me();
    assert.deepEqual((await ada.me()).due, { total: 0, byLang: {} });
    // Missed three days ago (due again within minutes of that), right and fast today (due in days).
    await store.recordMatch(practiceResult(user.id, 3, [
      { prompt: "mirror", verdict: "wrong", ms: 7000 },
      { prompt: "knife", verdict: "almost", reason: "typo", ms: 5000 },
      { prompt: "spoon", verdict: "none" },
    ]));
    await store.recordMatch(practiceResult(user.id, 0, [{ prompt: "apple", verdict: "correct", ms: 1500 }]));
    const me = await ada.me();
    assert.deepEqual(me.due, { total: 3, byLang: { es: 3 } });
    const prompts = await reviewPrompts(ada, "es");
    assert.deepEqual(prompts.slice().sort(), ["knife", "mirror", "spoon"], "the three due words, no others (the duel has three rounds)");
  });

  it("reports per word how often it was asked, right, almost and why, missed, and how fast", async () => {
    const [ana, ben] = [new LinguaLeapClient(t.http), new LinguaLeapClient(t.http)];
    await ana.signInAsGuest("Ana");
    await ben.signInAsGuest("Ben");
    await playSdkDuel(t, ana, ben);
    const res = await get(t, "/api/admin/words?lang=es&sort=seen", { authorization: basic });
    assert.equal(res.status, 200);
    assert.equal(res.body.lang, "es");
    assert.equal(res.body.sort, "seen");
    assert.ok(res.body.total >= 900, "every deck word has a row");
    const asked = res.body.words.filter((w: any) => w.seen > 0);
    assert.ok(asked.length >= 3);
    for (const w of asked) {
      assert.equal(w.seen, w.right + w.almost + w.missed, w.prompt);
      assert.ok(w.lessonId.startsWith("es-") || w.lessonId === "", w.prompt);
    }
    // The earlier results' words are there with their reasons: "knife" was almost (a typo, in
    // 5 s), then asked again in the review practice and answered wrong at once.
    const knife = res.body.words.find((w: any) => w.prompt === "knife");
    assert.deepEqual([knife.seen, knife.almost, knife.reasons.typo, knife.missed], [2, 1, 1, 1]);
    assert.ok(knife.meanMs > 0 && knife.meanMs < 5000, String(knife.meanMs));
    const never = res.body.words.at(-1);
    assert.deepEqual([never.seen, never.missRate, never.meanMs], [0, null, null], "words never asked come last");
    const hardest = (await get(t, "/api/admin/words?lang=es&limit=2", { authorization: basic })).body;
    assert.equal(hardest.words.length, 2);
    assert.ok(hardest.words[0].missRate >= hardest.words[1].missRate);
  });

  it("keeps the report behind the admin credentials and says what is wrong with a request", async () => {
    assert.equal((await get(t, "/api/admin/words?lang=es")).status, 401);
    assert.equal((await get(t, "/admin/words?lang=es")).status, 401);
    const cases: [string, number, string][] = [
      ["/api/admin/words", 400, "BAD_REQUEST"],
      ["/api/admin/words?lang=xx", 400, "LESSON_UNKNOWN_LANG"],
      ["/api/admin/words?lang=es&sort=random", 400, "BAD_REQUEST"],
      ["/api/admin/words?lang=es&limit=0", 400, "BAD_REQUEST"],
      ["/api/admin/words?lang[]=es", 400, "BAD_REQUEST"],
    ];
    for (const [path, status, code] of cases) {
      const res = await get(t, path, { authorization: basic });
      assert.equal(res.status, status, path);
      assert.equal(res.body.error.code, code, path);
    }
  });

  it("shows designers the report as a page, with every text escaped", async () => {
    const page = await get(t, "/admin/words?lang=es&sort=hardest", { authorization: basic });
    assert.equal(page.status, 200);
    assert.match(page.type, /text\/html/);
    assert.match(page.body, /<h1>Word difficulty: es<\/h1>/);
    assert.match(page.body, /<td>knife<\/td>/);
    assert.match(page.body, /<a href="\?lang=fr&amp;sort=hardest">fr<\/a>/);
    assert.doesNotMatch(page.body, /<script/);
  });
});
