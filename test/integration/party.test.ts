import { strict as assert } from "node:assert";
import { LinguaLeapClient, type DuelResult, type DuelSession } from "../../client-sdk";
import { colyseusOf } from "../helpers/colyseus-testing";
import { answersFor, startServer, type TestServer } from "../helpers/server";
import { waitUntil, withTimeout } from "../helpers/wait";
import { PARTY_MAX_PLAYERS } from "../../rooms/word-duel/messages";

/** `n` signed-in guests. */
async function guests(t: TestServer, n: number): Promise<LinguaLeapClient[]> {
  return Promise.all(Array.from({ length: n }, async (_, i) => {
    const ll = new LinguaLeapClient(t.http);
    await ll.signInAsGuest(`Friend${i + 1}`);
    return ll;
  }));
}

/** Until `duel` sees `n` players connected. */
function seated(duel: DuelSession, n: number): Promise<void> {
  return waitUntil(() => (duel.view?.players.filter((p) => p.connected).length ?? 0) === n, `${n} players seated`);
}

/** Every session answers each round: the i-th right in the first i rounds, wrong after (so places differ). */
function playAll(t: TestServer, sessions: DuelSession[]): Promise<DuelResult[]> {
  return Promise.all(sessions.map((s, i) => {
    const right = (prompt: string) => answersFor(t.decks.get("es")!, prompt, "en-target")[0];
    s.on("round", (r) => void s.answer(r.round <= sessions.length - i ? right(r.prompt) : "zzzz").catch(() => undefined));
    return withTimeout(new Promise<DuelResult>((r) => s.on("result", r)), 30000, `result for player ${i + 1}`);
  }));
}

describe("word_duel parties: 3–8 friends, started by the creator", function () {
  let t: TestServer;
  let sessions: DuelSession[] = [];

  before(async () => {
    t = await startServer({ DUEL_ROUNDS: "3" });
  });
  after(async () => {
    await t.close();
  });
  afterEach(async () => {
    await Promise.all(sessions.map((s) => s.leave().catch(() => undefined)));
    sessions = [];
    await colyseusOf(t).cleanup();
  });

  it("a party of 3: the code says party, 2 players are too few, only the creator starts, everyone gets standings", async () => {
    const [a, b, c] = await guests(t, 3);
    const { code, duel: host } = await a.createParty({ lang: "es", mode: "typed" });
    sessions.push(host);
    assert.equal(host.view!.party, true);
    assert.equal(host.view!.creator, host.sessionId);
    assert.equal((await b.lookupCode(code)).party, true);
    const second = await b.joinParty(code);
    sessions.push(second);
    await seated(host, 2);
    await assert.rejects(host.start(), (e: Error & { code?: string }) => e.code === "DUEL_PARTY_TOO_FEW");
    const third = await c.joinParty(code.toLowerCase());
    sessions.push(third);
    await seated(host, 3);
    assert.equal(host.view!.phase, "waiting", "a party never starts by itself");
    await assert.rejects(second.start(), (e: Error & { code?: string }) => e.code === "DUEL_NOT_CREATOR");
    const results = playAll(t, [host, second, third]);
    await host.start();
    const [r] = await results;
    assert.equal(r.standings.length, 3);
    assert.deepEqual(r.standings.map((s) => s.sessionId), [host.sessionId, second.sessionId, third.sessionId], "ranked by score");
    assert.ok(r.standings[0].score > r.standings[1].score && r.standings[1].score > r.standings[2].score);
    assert.equal(r.winner, host.sessionId);
    await assert.rejects(c.lookupCode(code), (e: Error & { code?: string }) => e.code === "CHALLENGE_NOT_FOUND", "a started party's code is unlisted");
  });

  it("a party of 8 plays to the end, and a 9th friend cannot join", async () => {
    const friends = await guests(t, PARTY_MAX_PLAYERS + 1);
    const { code, duel: host } = await friends[0].createParty({ lang: "es", mode: "typed" });
    sessions.push(host);
    for (const f of friends.slice(1, PARTY_MAX_PLAYERS)) sessions.push(await f.joinParty(code));
    await seated(host, PARTY_MAX_PLAYERS);
    assert.equal(host.view!.phase, "waiting", "full, and still waiting for the creator");
    await assert.rejects(friends[PARTY_MAX_PLAYERS].joinParty(code), "the 9th is refused");
    const results = playAll(t, sessions);
    await host.start();
    const all = await results;
    assert.equal(all.length, PARTY_MAX_PLAYERS);
    for (const r of all) assert.equal(r.standings.length, PARTY_MAX_PLAYERS);
    assert.equal(new Set(all.map((r) => r.matchId)).size, 1, "one match, one result");
  });

  it("a plain duel still starts when its two seats are taken, and refuses `start`", async () => {
    const [a, b] = await guests(t, 2);
    const first = await a.joinDuel({ lang: "fr", mode: "typed" });
    sessions.push(first);
    await assert.rejects(first.start(), (e: Error & { code?: string }) => e.code === "DUEL_NOT_STARTABLE");
    const started = waitUntil(() => first.view?.phase !== "waiting", "the duel started");
    sessions.push(await b.joinDuel({ lang: "fr", mode: "typed" }));
    await started;
    assert.equal(first.view!.party, false);
  });
});
