/**
 * The repository's nginx.conf, run by a real nginx (test/helpers/nginx.ts) in front of two real
 * processes on one Redis and one MongoDB: duels through it, its retries during a drain, and
 * X-Forwarded-For as the processes see it. Fails (never skips) when nginx is not installed.
 */
import { strict as assert } from "node:assert";
import http from "node:http";
import Redis from "ioredis";
import { LinguaLeapClient, type DuelSession } from "../../client-sdk";
import { freePort } from "../../loadtest/support/ports";
import { freshDbName, testMongoUrl, dropTestDb } from "../infra/mongo";
import { startNginx, type NginxProcess } from "../helpers/nginx";
import { CLUSTER_REDIS_URL, startProcess, type ServerProcess, openClusterRedis, closeClusterRedis } from "../helpers/processes";
import { answersFor, guestToken, realDecks } from "../helpers/server";
import { waitUntil, withTimeout } from "../helpers/wait";

const REDIS_URL = CLUSTER_REDIS_URL;
const LOOKUPS_PER_MINUTE = 5;

/** The WebSocket URL a session opened. */
function socketUrl(s: DuelSession): URL {
  return new URL(((s as any).room.connection.transport.ws as { url: string }).url);
}

/** A GET from a chosen loopback source address (127.0.0.0/8 is all loopback on Linux). */
function getFrom(localAddress: string, url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { localAddress, headers, agent: false }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    req.once("error", reject);
  });
}

/** One matchmaking POST through nginx: the HTTP status and Colyseus's answer. */
async function joinOrCreate(base: string, token: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}/matchmake/joinOrCreate/word_duel`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ lang: "es", mode: "choice" }),
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}

describe("cluster: nginx (server/deploy/nginx.conf) in front of two processes", function () {
  this.timeout(120000);
  const dbName = freshDbName("nginx");
  let nginx: NginxProcess;
  let p1: ServerProcess;
  let p2: ServerProcess;
  let redis: Redis;
  const routeOf = (p: ServerProcess) => `127.0.0.1:${nginx.port}/${p.port}`;

  before(async () => {
    redis = await openClusterRedis(REDIS_URL);
    // nginx's port is needed before the processes start (their PUBLIC_ADDRESS names it), and
    // their ports before nginx starts: the processes announce "{port}" behind a port picked here.
    const front = await freePort();
    const env = {
      REDIS_URL,
      MONGODB_URL: testMongoUrl(),
      MONGODB_DB: dbName,
      DUEL_ROUNDS: "3",
      TRUST_PROXY: "loopback",
      PUBLIC_ADDRESS: `127.0.0.1:${front}/{port}`,
      CHALLENGE_LOOKUPS_PER_MINUTE: String(LOOKUPS_PER_MINUTE),
    };
    [p1, p2] = await Promise.all([startProcess(env), startProcess(env)]);
    nginx = await startNginx([p1.port, p2.port], front);
  });

  after(async () => {
    await Promise.all([p1?.stop(), p2?.stop()]);
    await nginx?.stop();
    await closeClusterRedis(redis);
    await dropTestDb(dbName);
  });

  it("learners sign in and play a duel through nginx; their WebSockets reach the room's own process", async () => {
    const ana = new LinguaLeapClient(nginx.http);
    const ben = new LinguaLeapClient(nginx.http);
    await Promise.all([ana.signInAsGuest("Ana"), ben.signInAsGuest("Ben")]);
    const a = await ana.joinDuel({ lang: "pt", mode: "typed" });
    const b = await ben.joinDuel({ lang: "pt", mode: "typed" });
    assert.equal(a.roomId, b.roomId, "paired");
    const [ua, ub] = [socketUrl(a), socketUrl(b)];
    assert.equal(ua.port, String(nginx.port), "the socket goes through nginx");
    assert.equal(ub.pathname.split("/")[1], ua.pathname.split("/")[1]);
    const listing = JSON.parse((await redis.hget("roomcaches", a.roomId))!) as { publicAddress: string };
    const host = [p1, p2].find((p) => listing.publicAddress === routeOf(p));
    assert.ok(host, `the room announces one of the processes' routes: ${listing.publicAddress}`);
    assert.equal(ua.pathname.split("/")[1], String(host.port), "nginx's /<port>/ route of the hosting process");

    const deck = realDecks().get("pt")!;
    a.on("round", (r) => void a.answer(answersFor(deck, r.prompt)[0]).catch(() => undefined));
    b.on("round", () => void b.answer("nada").catch(() => undefined));
    const result: any = await withTimeout(new Promise((r) => b.on("result", r)), 30000, "the duel's result");
    assert.equal(result.winner, a.sessionId);
    // The result reaches the shared store a moment after the learners see it.
    const profile = new LinguaLeapClient(nginx.http, { token: ana.token });
    await waitUntil(async () => (await profile.me()).xp === 3 * 10 + 25, "Ana's XP in the shared store, whichever process answers", 10000, 100);
    await Promise.all([a.leave(), b.leave()]);
  });

  it("per-address limits see the client nginx saw (X-Forwarded-For, TRUST_PROXY=loopback), not nginx, and no client picks its address", async () => {
    const lookup = `${nginx.http}/api/challenges/ZZZZZZ`;
    for (let i = 0; i < LOOKUPS_PER_MINUTE; i++) assert.notEqual(await getFrom("127.0.0.2", lookup), 429, `lookup ${i + 1}`);
    assert.equal(await getFrom("127.0.0.2", lookup), 429, "the limit of 127.0.0.2 is reached (on both processes: counted in Redis)");
    assert.equal(await getFrom("127.0.0.2", lookup, { "x-forwarded-for": "203.0.113.7" }), 429, "a forged X-Forwarded-For is replaced by nginx");
    assert.notEqual(await getFrom("127.0.0.3", lookup), 429, "another client behind the same nginx has its own limit");
    assert.notEqual(await getFrom("127.0.0.4", lookup, { "x-forwarded-for": "127.0.0.2" }), 429, "nor can a client spend another's");
  });

  it("during a drain of one process (SIGTERM) every matchmaking POST through nginx is answered by the other: 0 refused", async () => {
    // A practice on p2 keeps its drain going for a few seconds (running duels may finish).
    const learner = new LinguaLeapClient(nginx.http);
    await learner.signInAsGuest("Pia");
    const practices: DuelSession[] = [];
    for (let i = 0; i < 10 && !practices.some((s) => socketUrl(s).pathname.startsWith(`/${p2.port}/`)); i++) {
      practices.push(await learner.practice({ lang: "fr", mode: "typed" }));
    }
    assert.ok(practices.some((s) => socketUrl(s).pathname.startsWith(`/${p2.port}/`)), "a practice runs on p2");
    const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => guestToken(nginx.http, `Q${i}`)));
    const logged = nginx.accessLog().length;

    p2.child.kill("SIGTERM");
    await waitUntil(async () => (await fetch(`${p2.http}/readyz`).then((r) => r.status, () => 0)) !== 200, "p2 to drain", 5000, 20);
    const answers: { status: number; body: any; whileDraining: boolean }[] = [];
    let next = 0;
    const worker = async () => {
      while (next < tokens.length) {
        const token = tokens[next++];
        const whileDraining = p2.child.exitCode === null;
        answers.push({ ...(await joinOrCreate(nginx.http, token)), whileDraining });
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await Promise.all([worker(), worker()]);
    const refused = answers.filter((a) => a.status !== 200 || typeof a.body.sessionId !== "string");
    const elsewhere = answers.filter((a) => a.body.room?.publicAddress !== routeOf(p1));
    const tried = nginx.accessLog().slice(logged).filter((l) => l.uri.startsWith("/matchmake/"));
    const retried = tried.filter((l) => l.upstreamStatus.includes(","));
    process.stdout.write(
      `      (${answers.length} matchmaking POSTs, ${answers.filter((a) => a.whileDraining).length} while p2 drained; ` +
        `${retried.length} refused by p2 and retried by nginx (${[...new Set(retried.map((l) => l.upstreamStatus))].join(" / ")}); ${refused.length} refused)\n`,
    );
    assert.deepEqual(refused, [], "no matchmaking request is refused");
    assert.deepEqual(elsewhere.map((a) => a.body.room?.publicAddress), [], `every seat is on the process that is not draining (${routeOf(p1)}; draining: ${routeOf(p2)})`);
    assert.ok(answers.filter((a) => a.whileDraining).length >= 10, "most POSTs ran while p2 drained");
    assert.ok(retried.length > 0, "some POSTs reached the draining process and were retried on the other");
    await withTimeout(new Promise((r) => (p2.child.exitCode !== null ? r(null) : p2.child.once("exit", r))), 60000, "p2 to finish its drain");
    await Promise.all(practices.filter((s) => !socketUrl(s).pathname.startsWith(`/${p2.port}/`)).map((s) => s.leave()));
  });
});
