import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LinguaLeapClient } from "../../client-sdk";
import { MongoStore } from "../../server/store/MongoStore";
import { freshDbName, testMongoUrl, dropTestDb, proxyToTestMongo } from "../infra/mongo";
import { startServer, type TestServer } from "../helpers/server";
import { TcpProxy } from "../../loadtest/support/TcpProxy";
import { playSdkDuel } from "./duel-helpers";
import { waitUntil } from "../helpers/wait";

/** Resolves once the store has every result: none being written, none in the outbox. */
const outboxDrained = (t: TestServer) => waitUntil(() => t.server.recorder.pendingCount === 0, "the outbox to drain", 15000);
/** Resolves once a result waits in the outbox file. */
const inOutbox = (t: TestServer) => waitUntil(() => t.server.recorder.outboxCount > 0, "the result to reach the outbox", 10000);

describe("results survive a database that goes down (outbox) and a restart", function () {
  this.timeout(60000);
  const dbName = freshDbName("outbox");
  const outboxPath = join(mkdtempSync(join(tmpdir(), "ll-outbox-")), "outbox.jsonl");
  const env = { STORE_WRITE_TIMEOUT_MS: "700", OUTBOX_RETRY_MS: "100", OUTBOX_PATH: outboxPath };
  let proxy: TcpProxy;

  before(async () => {
    proxy = await proxyToTestMongo();
  });
  after(async () => {
    await proxy.stop();
    await dropTestDb(dbName);
  });

  const viaProxy = () => MongoStore.connect(`mongodb://127.0.0.1:${proxy.port}/`, dbName, undefined, 500);

  it("keeps results in the outbox while MongoDB is down, shows pending XP, writes them once when it returns, and keeps everything across restarts", async () => {
    let t = await startServer(env, await viaProxy());
    const ana = new LinguaLeapClient(t.http);
    const ben = new LinguaLeapClient(t.http);
    await ana.signInAsGuest("Ana");
    await ben.signInAsGuest("Ben");

    await playSdkDuel(t, ana, ben, "de");
    const first = await ana.me();
    assert.equal(first.xp, 55, "right after the duel, written or still being written");
    await outboxDrained(t); // on a slow machine the first result may still be in flight

    await proxy.cut();
    const result = await playSdkDuel(t, ana, ben, "de");
    assert.equal(result.standings[0].xp, 55, "the result screen shows the XP at once");
    await inOutbox(t);
    assert.equal(readFileSync(outboxPath, "utf8").trim().split("\n").length, 1, "one result on disk");
    await assert.rejects(ana.me(), (e: any) => e.code === "UNAVAILABLE" && e.status === 503);

    await proxy.restore();
    const meanwhile = await ana.me();
    assert.equal(meanwhile.xp, 110, "back up: stored XP plus the outbox's pending XP");
    await outboxDrained(t);
    const back = await ana.me();
    assert.deepEqual([back.xp, back.pendingXp, back.duels], [110, 0, 2]);

    // Down again, and the server stops with a result still in the outbox.
    await proxy.cut();
    await playSdkDuel(t, ana, ben, "de");
    await inOutbox(t);
    await t.close();
    await proxy.restore();

    // A new process, same database and outbox file: the kept result is written, exactly once.
    t = await startServer(env, await viaProxy());
    await outboxDrained(t);
    const restarted = new LinguaLeapClient(t.http, { token: ana.token });
    const after = await restarted.me();
    assert.deepEqual([after.xp, after.duels, after.wins, after.streak], [165, 3, 3, 1]);
    assert.ok(after.ratings.de > 1200);
    const board = await (await fetch(`${t.http}/api/leaderboards/de?around=me`, { headers: { authorization: `Bearer ${ana.token}` } })).json() as any;
    assert.deepEqual([board.me.rank, board.top[0].score], [1, 165]);
    await t.close();

    const direct = await MongoStore.connect(testMongoUrl(), dbName);
    assert.equal((await direct.progress(first.user.id)).xp, 165, "in MongoDB itself");
    await direct.close();
  });
});
