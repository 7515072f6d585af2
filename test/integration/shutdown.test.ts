import { strict as assert } from "node:assert";
import { LinguaLeapClient, type LinguaLeapError } from "../../client-sdk";
import { answersFor, startServer, type TestServer } from "../helpers/server";
import { withTimeout } from "../helpers/wait";

function closed(session: { on: (e: "closed", cb: (p: { code: number; error?: LinguaLeapError }) => void) => () => void }, ms = 10000) {
  return withTimeout(new Promise<{ code: number; error?: LinguaLeapError }>((r) => session.on("closed", r)), ms, "session closed");
}

async function twoLearners(t: TestServer): Promise<[LinguaLeapClient, LinguaLeapClient]> {
  const a = new LinguaLeapClient(t.http);
  const b = new LinguaLeapClient(t.http);
  await a.signInAsGuest("Ana");
  await b.signInAsGuest("Ben");
  return [a, b];
}

describe("shutdown (SIGTERM) drains duels", function () {
  this.timeout(30000);

  it("lets a running duel finish and record its result, refuses new matchmaking meanwhile", async () => {
    const t = await startServer({ SHUTDOWN_GRACE_MS: "20000" });
    const [ana, ben] = await twoLearners(t);
    const a = await ana.joinDuel({ lang: "es", mode: "typed" });
    const b = await ben.joinDuel({ lang: "es", mode: "typed" });
    const deck = t.decks.get("es")!;
    let closing: Promise<void> | undefined;
    a.on("round", (r) => {
      closing ??= t.close(); // the server starts shutting down during round 1
      void a.answer(answersFor(deck, r.prompt)[0]).catch(() => undefined);
    });
    b.on("round", () => void b.answer("nada").catch(() => undefined));
    const result: any = await withTimeout(new Promise((r) => a.on("result", r)), 20000, "the duel's result");
    assert.equal(result.winner, a.sessionId, "the duel ran to its end");
    const refused = await fetch(`${t.http}/matchmake/joinOrCreate/word_duel`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ana.token}`, "content-length": "32" },
      body: JSON.stringify({ lang: "es", mode: "typed" }).padEnd(32),
    }).then((r) => r.status, () => "closed");
    assert.ok(refused === 503 || refused === "closed", `matchmaking refused while draining (${refused})`);
    // A reconnection still reaches the draining process (its duels may be running).
    const reconnect = await fetch(`${t.http}/matchmake/reconnect/${a.roomId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reconnectionToken: "not-a-real-token" }),
    }).then(async (r) => ({ status: r.status, body: await r.json() }), () => "closed" as const);
    if (reconnect !== "closed") assert.notEqual(reconnect.status, 503, `a reconnection is not refused as draining: ${JSON.stringify(reconnect.body)}`);
    await withTimeout(closing!, 10000, "shutdown to complete");
  });

  it("ends a duel that has not started, and one that outlasts the grace time, with a clear error", async () => {
    const t = await startServer({ SHUTDOWN_GRACE_MS: "1500", DUEL_TYPED_ROUND_MS: "60000" });
    const [ana, ben] = await twoLearners(t);
    const waiting = await ana.joinDuel({ lang: "fr", mode: "typed" });
    const x = await ben.joinDuel({ lang: "de", mode: "choice" });
    const y = await (async () => { const c = new LinguaLeapClient(t.http); await c.signInAsGuest("Cy"); return c.joinDuel({ lang: "de", mode: "choice" }); })();
    await withTimeout(new Promise((r) => x.on("round", r)), 5000, "the de duel to start");
    const [w, endedX, endedY] = [closed(waiting), closed(x), closed(y)];
    const started = Date.now();
    await t.close();
    const notStarted = await w;
    assert.deepEqual([notStarted.code, notStarted.error?.code], [4503, "DUEL_SERVER_SHUTDOWN"]);
    assert.match(notStarted.error!.message, /join again/);
    for (const ended of [await endedX, await endedY]) {
      assert.deepEqual([ended.code, ended.error?.code], [4503, "DUEL_SERVER_SHUTDOWN"]);
      assert.match(ended.error!.message, /does not count/);
    }
    assert.ok(Date.now() - started < 6000, "bounded by the grace time");
  });
});
