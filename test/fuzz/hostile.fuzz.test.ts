/**
 * Bounded fuzzing of a real server process: hostile WebSocket frames to every room type,
 * floods against the default message limits, hostile HTTP requests to every route, and
 * 300 MB bodies. The server must stay up and answer every mistake as a client's mistake:
 * no 5xx, no internal text in any answer, no error line in its log, memory bounded, and a
 * normal duel still plays to the end afterwards.
 *
 * Repeatable from the seed it prints: `LL_FUZZ_SEED=<seed> npx mocha … test/fuzz/hostile.fuzz.test.ts`.
 */
import { strict as assert } from "node:assert";
import { LinguaLeapClient } from "../../client-sdk";
import { startProcess, type ServerProcess } from "../helpers/processes";
import { guestToken, realDecks, type TestServer } from "../helpers/server";
import { withTimeout } from "../helpers/wait";
import { playSdkDuel } from "../integration/duel-helpers";
import { fuzzHttp, send, sendHuge, type HttpReport } from "./http-fuzzer";
import { allocatingRequests } from "./http-generators";
import { captureOutput, errorLines, rssMb } from "./observe";
import { fuzzSeed } from "./random";
import { framesTheLibraryRefuses, rejoinDuringCountdown } from "./scenarios";
import { describeRooms, fuzzRooms, ROOM_KINDS, type RoomFuzzReport, type RoomKind, type RoomTally } from "./room-fuzzer";

// A class game whose host the fuzz drops keeps the host's seat as long as a duel keeps a player's
// (RECONNECT_SECONDS' 20 s), not a classroom's 5 minutes: the memory check measures leaks, not held seats.
const SHORT_DUELS = { DUEL_ROUNDS: "3", DUEL_COUNTDOWN_MS: "50", DUEL_REVEAL_MS: "50", DUEL_CHOICE_ROUND_MS: "2000", DUEL_TYPED_ROUND_MS: "2000", DUEL_NO_SHOW_MS: "1000", CLASS_RECONNECT_SECONDS: "20", PASSWORD_SCRYPT_LOG2N: "14" };

/**
 * Limits high enough that hostile input reaches the handlers instead of a rate limiter; the
 * monitor on (so Basic auth is fuzzed) and loopback trusted as a proxy (so X-Forwarded-For is read).
 */
const PERMISSIVE_ENV = {
  ...SHORT_DUELS,
  MSG_RATE_PER_SECOND: "1000",
  MSG_BURST: "1000",
  MSG_FLOOD_DISCONNECT: "100000",
  AUTH_RATE_PER_MINUTE: "100000",
  ADMIN_USER: "admin",
  ADMIN_PASSWORD: "fuzz-admin-password-0123",
  ADMIN_AUTH_FAILURES_PER_HOUR: "100000",
  TRUST_PROXY: "loopback",
};

// Issue 9 asks ≥ 100,000 room frames and 10,000 HTTP requests in `npm test`: a little over both,
// no more (the suite has a 10-minute budget). LL_FUZZ_SCALE=3 runs three times as many.
const SCALE = Math.max(1, Number(process.env.LL_FUZZ_SCALE ?? 1) || 1);
const FRAME_BUDGET: Record<RoomKind, number> = { word_duel: 24000 * SCALE, practice: 24000 * SCALE, ranked_queue: 24000 * SCALE, leaderboard: 18000 * SCALE, class_game: 24000 * SCALE };
const FRAMES = ROOM_KINDS.reduce((n, k) => n + FRAME_BUDGET[k], 0);
const FLOOD_BUDGET: Record<RoomKind, number> = { word_duel: 2500, practice: 2500, ranked_queue: 2500, leaderboard: 2500, class_game: 2500 };
const HTTP_REQUESTS = 12000 * SCALE;
/** Four clients per room type at a time; batches end with a closing frame often enough that every protocol code gets its turn. */
const ROOM_PLAN = { workersPerKind: 4, batch: [10, 80] as const, closeChance: 0.8, flood: false };
const MB = 1024 * 1024;
/** The 300 MB bodies: where each goes, and whether it says its length up front. */
const HUGE_BODIES = [["/matchmake", false], ["/matchmake/joinOrCreate/word_duel", true], ["/api/auth/guest", false]] as const;

/** Why `p` is not healthy, or undefined: it exited, or /healthz does not answer 200. */
async function unhealthy(p: ServerProcess, output: () => string): Promise<string | undefined> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return `the server exited (${p.child.exitCode ?? p.child.signalCode}):\n${output().slice(-3000)}`;
  const status = await fetch(`${p.http}/healthz`).then((r) => r.status, (err: Error) => err.message);
  return status === 200 ? undefined : `/healthz answered ${status}`;
}

/** `work`, failing with what the server logged as errors (a crash shows up as refused joins otherwise). */
async function explained<T>(work: Promise<T>, output: () => string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const lines = errorLines(output()).map((l) => l.slice(0, 1500));
    throw new Error(`${(err as Error).message}${lines.length ? `\nthe server's error lines:\n  ${lines.slice(-8).join("\n  ")}` : ""}`);
  }
}

function some(items: readonly string[], n = 5): string {
  return `${items.length}, e.g.:\n  ${items.slice(0, n).join("\n  ")}`;
}

describe("fuzz: hostile frames and requests against a real server process", function () {
  this.timeout(150000);
  const seed = fuzzSeed();
  let started = 0;
  let main: ServerProcess;
  let strict: ServerProcess;
  let mainOut: () => string;
  let strictOut: () => string;
  const rss = { start: 0, warm: 0, end: 0 };
  let rooms: RoomFuzzReport | undefined;
  let floods: RoomFuzzReport | undefined;
  let http: HttpReport | undefined;

  before(async () => {
    started = Date.now();
    console.log(`    fuzz seed ${seed} (replay with LL_FUZZ_SEED=${seed})`);
    [main, strict] = await Promise.all([startProcess(PERMISSIVE_ENV), startProcess(SHORT_DUELS)]);
    [mainOut, strictOut] = [captureOutput(main), captureOutput(strict)];
    rss.start = rssMb(main);
    // Warm-up, so the memory checks measure what fuzzing adds, not the heap and the
    // allocator settling in: some of every kind of traffic, each request that allocates
    // outside the JS heap (inflating, scrypt) and each large body at 100 MB (the first read
    // of one leaves RSS up to ~30 MB higher, the next ones ~0). The allocator keeps what
    // it once had (seen here: the JS heap after a collection stays ~32 MB through three
    // full rounds of this suite while RSS rises by ~100 MB over the first two, then stops).
    const warmRooms = Object.fromEntries(ROOM_KINDS.map((k) => [k, FRAME_BUDGET[k] / 2])) as Record<RoomKind, number>;
    await explained(fuzzRooms({ ...ROOM_PLAN, http: main.http, seed: seed ^ 0x5a5a5a, budget: warmRooms, deadline: Date.now() + 40000 }), mainOut);
    await fuzzHttp({ http: main.http, seed: seed ^ 0x5a5a5a, count: HTTP_REQUESTS / 2, concurrency: 16, creds: { tokens: [] } });
    for (const spec of allocatingRequests()) await send(new URL(main.http), spec);
    for (const [path, declareLength] of HUGE_BODIES) await sendHuge(main.http, path, 100 * MB, declareLength);
    rss.warm = rssMb(main);
  });

  after(async () => {
    const sum = (report: RoomFuzzReport | undefined, of: (t: RoomTally) => number) => ROOM_KINDS.reduce((n, k) => n + (report ? of(report.tallies[k]) : 0), 0);
    const frames = ROOM_KINDS.map((k) => `${k}=${rooms?.tallies[k].frames ?? 0}`).join(" ");
    console.log(
      `    fuzz summary: seed=${seed} frames ${frames} (total ${sum(rooms, (t) => t.frames)}); ` +
        `flood phase ${sum(floods, (t) => t.frames)} frames, ${sum(floods, (t) => t.closes.get(4429))} closes 4429; ` +
        `http ${http?.statuses.total ?? 0} requests {${http?.statuses ?? ""}}; ${Math.round((Date.now() - started) / 1000)} s; ` +
        `RSS start ${rss.start} MB, after warm-up ${rss.warm} MB, end ${rss.end ? `${rss.end} MB` : "not measured"}`,
    );
    await Promise.all([main?.stop(), strict?.stop()]);
  });

  it(`takes ≥${FRAMES.toLocaleString("en")} hostile frames over every room type, opened by every protocol code, answering none with internal text`, async () => {
    const report = (rooms = await explained(fuzzRooms({ ...ROOM_PLAN, http: main.http, seed, budget: FRAME_BUDGET, deadline: Date.now() + 120000 }), mainOut));
    console.log(describeRooms(report).replace(/^/gm, "      "));
    assert.equal(await unhealthy(main, mainOut), undefined);
    assert.deepEqual(report.leaks, [], `answers holding internal text: ${some(report.leaks)}`);
    for (const kind of ROOM_KINDS) {
      const { frames, codes } = report.tallies[kind];
      assert.ok(frames >= FRAME_BUDGET[kind], `${kind}: only ${frames} of ${FRAME_BUDGET[kind]} frames sent in time`);
      const unsent = Array.from({ length: 256 }, (_, code) => code).filter((code) => !codes.has(code));
      assert.deepEqual(unsent, [], `${kind}: no frame opened with these protocol codes was sent`);
    }
  });

  it("cuts floods off with 4429 in every room type on the default message limits", async () => {
    floods = await explained(fuzzRooms({ http: strict.http, seed, budget: FLOOD_BUDGET, workersPerKind: 2, batch: [60, 150], closeChance: 0, flood: true, deadline: Date.now() + 60000 }), strictOut);
    console.log(describeRooms(floods).replace(/^/gm, "      "));
    assert.equal(await unhealthy(strict, strictOut), undefined);
    assert.deepEqual(floods.leaks, [], `answers holding internal text: ${some(floods.leaks)}`);
    for (const kind of ROOM_KINDS) assert.ok(floods.tallies[kind].closes.get(4429) > 0, `${kind}: no flooding client was closed with 4429 (closes: ${floods.tallies[kind].closes})`);
  });

  it(`answers ≥${HTTP_REQUESTS.toLocaleString("en")} hostile HTTP requests over every route: no 5xx, no internal text, none unanswered`, async () => {
    const tokens = await Promise.all(["Ana", "Ben", "Cai"].map((name) => guestToken(main.http, name)));
    http = await fuzzHttp({ http: main.http, seed, count: HTTP_REQUESTS, concurrency: 16, creds: { tokens } });
    console.log(`      statuses {${http.statuses}}`);
    assert.equal(await unhealthy(main, mainOut), undefined);
    assert.ok(http.statuses.total >= HTTP_REQUESTS, `only ${http.statuses.total} requests sent`);
    assert.deepEqual(http.serverErrors, [], `5xx answers: ${some(http.serverErrors)}`);
    assert.deepEqual(http.leaks, [], `answers holding internal text: ${some(http.leaks)}`);
    assert.deepEqual(http.unanswered, [], `requests never answered: ${some(http.unanswered)}`);
  });

  /** RSS growth per huge body that still means "not held": a fifth of the body. */
  const HELD_BODY_BOUND_MB = 60;

  it("answers 300 MB bodies with a 4xx quickly, without holding them in memory", async () => {
    assert.equal(await unhealthy(main, mainOut), undefined);
    for (const [path, declareLength] of HUGE_BODIES) {
      const before = rssMb(main);
      const answer = await sendHuge(main.http, path, 300 * MB, declareLength);
      const after = rssMb(main);
      const how = declareLength ? "Content-Length 300 MB" : "chunked";
      console.log(`      POST ${path} (${how}): ${answer.status ?? answer.error} in ${answer.ms} ms after ${answer.sentMb} MB sent; RSS ${before} -> ${after} MB`);
      assert.ok(answer.status !== undefined && answer.status >= 400 && answer.status < 500, `POST ${path} (${how}): ${answer.status ?? answer.error}`);
      assert.ok(answer.ms < 5000, `POST ${path} (${how}): answered only after ${answer.ms} ms`);
      // A held body would show as its 300 MB; the bound leaves room for the heap's own growth
      // after the room fuzz above (in one CI run it rose 26 MB toward the plateau every run reaches).
      assert.ok(after - before < HELD_BODY_BOUND_MB, `POST ${path} (${how}): RSS grew from ${before} to ${after} MB`);
    }
  });

  it("survives a learner who leaves and rejoins a duel during its countdown", async () => {
    await explained(rejoinDuringCountdown(main.http, 5), mainOut);
    assert.equal(await unhealthy(main, mainOut), undefined);
  });

  it("takes frames the WebSocket library refuses (a length over 2^53, unmasked, reserved bits) as a client's mistake", async () => {
    await explained(framesTheLibraryRefuses(main.http), mainOut);
    assert.equal(await unhealthy(main, mainOut), undefined);
  });

  it("is alive afterwards, its memory bounded", async () => {
    assert.equal(await unhealthy(main, mainOut), undefined);
    assert.equal(await unhealthy(strict, strictOut), undefined);
    rss.end = rssMb(main);
    console.log(`      RSS: ${rss.start} MB at start, ${rss.warm} MB after warm-up, ${rss.end} MB at the end`);
    assert.ok(rss.end - rss.warm < 150, `RSS grew from ${rss.warm} MB (after warm-up) to ${rss.end} MB`);
  });

  it("logged no error for anything a client sent", () => {
    const errors = [...errorLines(mainOut()), ...errorLines(strictOut())];
    for (const line of errors) console.log(`      server error line: ${line.slice(0, 2000)}`);
    assert.deepEqual(errors.map((l) => l.slice(0, 300)), [], "the server logged errors (printed above)");
  });

  it("still plays a normal duel to the end", async () => {
    const [ana, ben] = [new LinguaLeapClient(main.http), new LinguaLeapClient(main.http)];
    await Promise.all([ana.signInAsGuest("Ana"), ben.signInAsGuest("Ben")]);
    // playSdkDuel reads only the decks of its TestServer.
    const result = await withTimeout(playSdkDuel({ decks: realDecks() } as Pick<TestServer, "decks"> as TestServer, ana, ben), 30000, "a whole duel");
    const winner = result.standings.find((s) => s.sessionId === result.winner);
    assert.equal(winner?.name, "Ana", `the duel's result: ${JSON.stringify(result)}`);
  });
});
