import { strict as assert } from "node:assert";
import { matchMaker } from "@colyseus/core";
import { LinguaLeapClient, type DuelSession, type LinguaLeapError, type RankedSearch } from "../../client-sdk";
import { CLOSE_NO_SHOW, CLOSE_SERVER_SHUTDOWN } from "../../rooms/word-duel/messages";
import { testClient } from "../helpers/colyseus-testing";
import { startServer, type TestServer } from "../helpers/server";
import { waitUntil, withTimeout } from "../helpers/wait";
import { playOut } from "./duel-helpers";

function matched(search: RankedSearch, ms = 8000): Promise<DuelSession> {
  return withTimeout(search.duel, ms, "a ranked duel");
}

function next<T>(subscribe: (cb: (v: T) => void) => () => void, what: string, ms = 8000): Promise<T> {
  return withTimeout(new Promise<T>((resolve) => { const off = subscribe((v) => { off(); resolve(v); }); }), ms, what);
}

/** The session's state once it has arrived. */
async function viewOf(session: DuelSession) {
  await waitUntil(() => session.view !== undefined, "the duel state");
  return session.view!;
}

describe("ranked queue (one process)", function () {
  this.timeout(30000);
  let t: TestServer;
  let ana: LinguaLeapClient;
  let ben: LinguaLeapClient;

  async function learner(name: string): Promise<LinguaLeapClient> {
    const ll = new LinguaLeapClient(t.http);
    await ll.signInAsGuest(name);
    return ll;
  }

  before(async () => {
    // Gap 0 at once, +40 per second; bots after 1.5 s; a no-show calls a duel off after 1 s.
    t = await startServer({ QUEUE_GAP_BASE: "0", QUEUE_GAP_PER_SECOND: "40", QUEUE_BOT_AFTER_MS: "1500", QUEUE_TICK_MS: "50", DUEL_NO_SHOW_MS: "1000" });
    ana = await learner("Ana");
    ben = await learner("Ben");
  });
  after(() => t.close());

  it("pairs two learners of one language and mode into a private ranked duel, rated like any other", async () => {
    const sa = await ana.findRankedDuel({ lang: "es", mode: "typed" });
    const opponent = next<{ name: string; isBot: boolean }>((cb) => sa.on("matched", cb), "matched");
    const sb = await ben.findRankedDuel({ lang: "es", mode: "typed" });
    assert.equal(sa.status.rating, 1200);
    assert.equal(sa.status.botAfterMs, 1500);
    const [a, b] = await Promise.all([matched(sa), matched(sb)]);
    assert.deepEqual(await opponent, { name: "Ben", isBot: false, rating: 1200 });
    assert.equal(a.roomId, b.roomId);
    const view = await viewOf(a);
    assert.equal(view.ranked, true);
    assert.equal(view.mode, "typed");

    // Nobody else gets in: not by id, and matchmaking does not offer it.
    const cy = testClient(t, (await learner("Cy")).token!);
    await assert.rejects(cy.joinById(a.roomId, { lang: "es", mode: "typed" }), /DUEL_NOT_INVITED|locked/);
    const casual = await cy.joinOrCreate("word_duel", { lang: "es", mode: "typed" });
    assert.notEqual(casual.roomId, a.roomId);
    await casual.leave();

    const result = await playOut(t, a, b);
    assert.equal(result.winner, a.sessionId);
    assert.equal((await ana.me()).ratings.es, 1216);
    assert.equal((await ben.me()).ratings.es, 1184);
  });

  it("pairs far ratings only once the accepted gap has widened enough", async () => {
    // 1216 and 1184 are 32 apart: accepted after 32 / 40 per second = 0.8 s of waiting.
    const sa = await ana.findRankedDuel({ lang: "es", mode: "typed" });
    const sb = await ben.findRankedDuel({ lang: "es", mode: "typed" });
    assert.deepEqual([sa.status.rating, sb.status.rating], [1216, 1184], "the queue pairs on the stored ratings");
    const [a, b] = await Promise.all([matched(sa), matched(sb)]);
    const waited = Date.now() - sb.status.queuedAt;
    assert.ok(waited >= 750, `paired after ${waited} ms, before the gap reached 32`);
    const players = (await viewOf(a)).players;
    assert.ok(players.every((p) => !p.isBot), "two learners, before the bot's time");
    await Promise.all([a.leave(), b.leave()]);
  });

  it("lets a learner cancel, and queue again at once", async () => {
    const cy = await learner("Cy");
    const first = await cy.findRankedDuel({ lang: "fr", mode: "choice" });
    await waitUntil(() => first.queue.waiting === 1, "the queue to count its learner", 3000);
    await first.cancel();
    await assert.rejects(first.duel, (e: LinguaLeapError) => e.code === "QUEUE_CANCELLED");
    const again = await cy.findRankedDuel({ lang: "fr", mode: "choice" });
    await again.cancel();
  });

  it("refuses a second search by the same account, in any language, until the first ends", async () => {
    const dee = await learner("Dee");
    const otherTab = new LinguaLeapClient(t.http, { token: dee.token });
    const search = await dee.findRankedDuel({ lang: "pt", mode: "choice" });
    for (const lang of ["pt", "de"]) {
      await assert.rejects(otherTab.findRankedDuel({ lang, mode: "choice" }), (e: LinguaLeapError) => e.code === "QUEUE_ALREADY_QUEUED" && /already/.test(e.message));
    }
    await search.cancel();
    const now = await otherTab.findRankedDuel({ lang: "de", mode: "choice" });
    await now.cancel();
  });

  it("brings in a bot of about the learner's level when nobody fits; the duel is unrated", async () => {
    const eve = await learner("Eve");
    const search = await eve.findRankedDuel({ lang: "de", mode: "choice" });
    const opponent = next<{ name: string; isBot: boolean }>((cb) => search.on("matched", cb), "matched");
    const duel = await matched(search);
    assert.ok(Date.now() - search.status.queuedAt >= 1400, "only after the bot wait");
    assert.equal((await opponent).isBot, true);
    const players = (await viewOf(duel)).players;
    assert.equal(players.length, 2);
    const bot = players.find((p) => p.isBot)!;
    assert.match(bot.name, /\(bot\)/);
    let botAnswered = 0;
    duel.on("reveal", (r) => (botAnswered += r.results[bot.sessionId].verdict === "none" ? 0 : 1));
    const result = await playOut(t, duel);
    assert.equal(botAnswered, 3, "the bot answered every round");
    assert.equal(result.standings.find((s) => s.isBot)?.name, bot.name);
    const me = await eve.me();
    assert.ok(me.xp > 0);
    assert.equal(me.ratings.de, undefined, "duels against bots are not rated");
  });

  it("calls a ranked duel off when the paired learner never takes the seat", async () => {
    const fay = await learner("Fay");
    const ghost = testClient(t, (await learner("Ghost")).token!);
    const ghostQueue = await ghost.joinOrCreate("ranked_queue", { lang: "it", mode: "typed" });
    ghostQueue.onMessage("*", () => undefined); // takes no seat
    const duel = await matched(await fay.findRankedDuel({ lang: "it", mode: "typed" }));
    const end = await withTimeout(new Promise<{ code: number; error?: LinguaLeapError }>((r) => duel.on("closed", r)), 5000, "the call-off");
    assert.equal(end.code, CLOSE_NO_SHOW);
    assert.equal(end.error?.code, "DUEL_NO_SHOW");
    await ghostQueue.leave();
  });

  it("checks the token and the options", async () => {
    await assert.rejects(new LinguaLeapClient(t.http).findRankedDuel({ lang: "es", mode: "choice" }), (e: LinguaLeapError) => e.code === "AUTH_MISSING_TOKEN");
    await assert.rejects(ana.findRankedDuel({ lang: "xx", mode: "choice" }), (e: LinguaLeapError) => e.code === "DUEL_BAD_OPTIONS");
    await assert.rejects(ana.findRankedDuel({ lang: "es", mode: "shouting" as "choice" }), (e: LinguaLeapError) => e.code === "DUEL_BAD_OPTIONS");
  });

  it("queues again by itself when its queue goes away (the queue's server stopped)", async () => {
    const gil = await learner("Gil");
    const search = await gil.findRankedDuel({ lang: "es", mode: "choice" });
    const requeued = next<unknown>((cb) => search.on("queued", cb), "queued again");
    const rooms = await matchMaker.query({ name: "ranked_queue", lang: "es" } as any);
    assert.equal(rooms.length, 1, "one queue per language");
    await matchMaker.getLocalRoomById(rooms[0].roomId)!.disconnect(CLOSE_SERVER_SHUTDOWN);
    await requeued;
    const duel = await matched(search);
    assert.equal((await viewOf(duel)).players.some((p) => p.isBot), true, "and is still matched (here with a bot)");
    await duel.leave();
  });
});
