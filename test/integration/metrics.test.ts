/**
 * `/metrics` and the request log against a real server: the scrape is behind the admin
 * credentials, parses as Prometheus text, and its counters move when two SDK learners play a
 * duel; a join's request id reaches the room's log line. Then the metrics alone, with fake
 * probes (health gauges, outcomes).
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { parse } from "yaml";
import { LinguaLeapClient } from "../../client-sdk";
import { buildApp } from "../../server/app";
import { loadConfig } from "../../server/config";
import { createLogger } from "../../server/logger";
import { MemoryStore } from "../../server/store/MemoryStore";
import { matchmakeOutcome, Metrics, type MetricsProbes } from "../../server/metrics";
import { realDecks, startServer, TEST_ENV, type TestServer } from "../helpers/server";
import { waitUntil, withTimeout } from "../helpers/wait";
import { playOut } from "./duel-helpers";

const ROOT = resolve(__dirname, "..", "..");
const ADMIN = { ADMIN_USER: "ops", ADMIN_PASSWORD: "a-long-admin-password" };
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });
const OPS = basic(ADMIN.ADMIN_USER, ADMIN.ADMIN_PASSWORD);

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
// Prometheus reads values with Go's ParseFloat: NaN in any case (prom-client writes "Nan").
const VALUE = "(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[Nn][Aa][Nn]|[+-]Inf)";
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*",?)*)\\})? (${VALUE})(?: -?\\d+)?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g;

/**
 * Prometheus's text format (0.0.4), read strictly: every line a HELP, a TYPE or a sample of a
 * declared family; histograms with cumulative buckets up to +Inf that match their count.
 */
function parseProm(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      assert.match(meta[2], new RegExp(`^${NAME}$`), line);
      if (meta[1] === "TYPE") {
        assert.match(meta[3], /^(counter|gauge|histogram|summary|untyped)$/, line);
        assert.ok(!types.has(meta[2]), `${meta[2]} declared twice`);
        types.set(meta[2], meta[3]);
      }
      continue;
    }
    const m = SAMPLE.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(LABEL)) labels[k] = v.replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1");
    const family = types.has(m[1]) ? m[1] : m[1].replace(/_(bucket|sum|count)$/, "");
    assert.ok(types.has(family), `${m[1]} has no TYPE line before it`);
    if (family !== m[1]) assert.match(types.get(family)!, /^(histogram|summary)$/, line);
    samples.push({ name: m[1], labels, value: /^nan$/i.test(m[3]) ? NaN : Number(m[3].replace("Inf", "Infinity")) });
  }
  for (const [family, type] of types) {
    if (type !== "histogram") continue;
    const series = new Map<string, Sample[]>();
    for (const s of samples.filter((x) => x.name === `${family}_bucket`)) {
      const { le, ...rest } = s.labels;
      const key = JSON.stringify(rest);
      series.set(key, [...(series.get(key) ?? []), s]);
    }
    for (const [key, buckets] of series) {
      assert.equal(buckets.at(-1)!.labels.le, "+Inf", `${family} ${key} ends with le="+Inf"`);
      buckets.reduce((prev, b) => (assert.ok(b.value >= prev, `${family} buckets are cumulative`), b.value), 0);
      const count = samples.find((x) => x.name === `${family}_count` && JSON.stringify(x.labels) === key);
      assert.equal(count?.value, buckets.at(-1)!.value, `${family}_count matches its +Inf bucket`);
    }
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

interface LoggedServer extends TestServer {
  lines: Record<string, any>[];
}

/** A server like startServer's, whose log lines (at debug) are kept for the test to read. */
async function startLogged(env: Record<string, string>): Promise<LoggedServer> {
  const outbox = join(mkdtempSync(join(tmpdir(), "lingualeap-metrics-")), "outbox.jsonl");
  const config = loadConfig({ ...TEST_ENV, OUTBOX_PATH: outbox, DEAD_LETTER_PATH: `${outbox}.dead`, LOG_LEVEL: "debug", ...env });
  const lines: Record<string, any>[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
  const store = new MemoryStore();
  const decks = realDecks();
  const server = buildApp({ config, log: createLogger(config, sink), store, decks });
  const port = await server.listen();
  return { server, config, store, decks, port, clock: { skewMs: 0 }, http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}`, close: () => server.close(), lines };
}

async function scrape(t: TestServer): Promise<Sample[]> {
  const res = await fetch(`${t.http}/metrics`, { headers: OPS });
  assert.equal(res.status, 200);
  return parseProm(await res.text());
}

describe("metrics and request logs on a real server", function () {
  this.timeout(30000);
  let t: LoggedServer;
  before(async () => {
    t = await startLogged(ADMIN);
  });
  after(() => t.close());

  it("refuses /metrics without the admin credentials or with wrong ones, and answers Prometheus text with them", async () => {
    const none = await fetch(`${t.http}/metrics`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get("www-authenticate") ?? "", /^Basic /);
    for (const headers of [basic("ops", "not-the-password"), basic("someone", ADMIN.ADMIN_PASSWORD), { authorization: "Bearer x" }]) {
      const res = await fetch(`${t.http}/metrics`, { headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.doesNotMatch(await res.text(), /lingualeap_/);
    }
    const res = await fetch(`${t.http}/metrics`, { headers: OPS });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain;.* version=0\.0\.4/);
    const samples = parseProm(await res.text());
    const names = new Set(samples.map((s) => s.name));
    for (const name of ["lingualeap_clients", "lingualeap_results_recorded_total", "lingualeap_results_pending", "lingualeap_outbox_depth", "lingualeap_results_dead_lettered", "lingualeap_cluster_swept_processes_total", "nodejs_eventloop_lag_seconds", "process_cpu_user_seconds_total"]) {
      assert.ok(names.has(name), `${name} is exported`);
    }
    assert.ok(!names.has("lingualeap_redis_up") && !names.has("lingualeap_mongodb_up"), "no health gauge for what is not configured");
    assert.equal(total(samples, "lingualeap_clients"), 0);
  });

  it("counts a duel two SDK learners play: joins, answers, patches, the result, and CCU back to 0", async () => {
    const ana = new LinguaLeapClient(t.http);
    const ben = new LinguaLeapClient(t.http);
    const anaUser = await ana.signInAsGuest("Ana");
    await ben.signInAsGuest("Ben");
    const before = await scrape(t);
    const a = await ana.joinDuel({ lang: "es", mode: "typed" });
    const b = await ben.joinDuel({ lang: "es", mode: "typed" });
    assert.equal(a.roomId, b.roomId);
    const during = await scrape(t);
    assert.equal(total(during, "lingualeap_clients", { room: "word_duel" }), 2);
    assert.equal(total(during, "lingualeap_rooms", { room: "word_duel" }), 1);
    const okJoins = { method: "joinOrCreate", room: "word_duel", outcome: "ok" };
    assert.equal(total(during, "lingualeap_matchmake_duration_seconds_count", okJoins) - total(before, "lingualeap_matchmake_duration_seconds_count", okJoins), 2);

    // Every answer the learners send is counted, whether or not its round still takes it.
    let sent = 0;
    for (const session of [a, b]) {
      const answer = session.answer.bind(session);
      session.answer = (text: string) => (sent++, answer(text));
    }
    const result = await playOut(t, a, b);
    assert.equal(result.winner, a.sessionId);
    let after = await scrape(t);
    await waitUntil(async () => {
      after = await scrape(t);
      return total(after, "lingualeap_clients") === 0 && total(after, "lingualeap_results_recorded_total") === 1;
    }, "CCU back to 0 and the result recorded", 10000, 50);
    const word = { room: "word_duel" };
    assert.ok(sent >= 3);
    assert.equal(total(after, "lingualeap_room_messages_total", { ...word, type: "answer" }), sent, "every answer sent is counted");
    assert.ok(total(after, "lingualeap_answer_patch_seconds_count", word) >= 1, "an answer was followed by a patch");
    assert.ok(total(after, "lingualeap_answer_patch_seconds_sum", word) < total(after, "lingualeap_answer_patch_seconds_count", word), "within a second each");
    assert.ok(total(after, "lingualeap_patch_bytes_count", word) >= 3, "patches were measured");
    assert.ok(total(after, "lingualeap_patch_bytes_sum", word) > 0, "patches have bytes");
    assert.ok(total(after, "lingualeap_patch_sent_bytes_total", word) >= total(after, "lingualeap_patch_bytes_sum", word), "each patch went to its clients");
    assert.equal(total(after, "lingualeap_results_pending"), 0);
    assert.equal(total(after, "lingualeap_results_dead_lettered"), 0);

    // The join's request id, from the request log line to the room's.
    const joined = t.lines.find((l) => l.msg === "a client joined" && l.userId === anaUser.id);
    assert.ok(joined, "the room logs the join");
    assert.equal(joined.room, "word_duel");
    assert.equal(joined.roomId, a.roomId);
    assert.match(joined.requestId, /^[0-9a-f-]{36}$/);
    const request = t.lines.find((l) => l.requestId === joined.requestId && l.req?.url === "/matchmake/joinOrCreate/word_duel");
    assert.ok(request, "the matchmaking request's line has the same id");
    assert.equal(request.res.statusCode, 200);
    assert.equal(typeof request.responseTime, "number");
  });

  it("logs every request with its id (echoed, or the caller's when well-formed), never a token or the Authorization header", async () => {
    const token = (await (await fetch(`${t.http}/api/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"Cy"}' })).json()).token as string;
    const mine = await fetch(`${t.http}/api/me?token=${token}`, { headers: { authorization: `Bearer ${token}`, "x-request-id": "trace-42.a:b_c" } });
    assert.equal(mine.headers.get("x-request-id"), "trace-42.a:b_c");
    const bad = await fetch(`${t.http}/api/nowhere`, { headers: { "x-request-id": "no spaces <allowed>" } });
    assert.equal(bad.status, 404);
    const made = bad.headers.get("x-request-id") ?? "";
    assert.match(made, /^[0-9a-f-]{36}$/, "a fresh id instead of the malformed one");
    await waitUntil(() => t.lines.some((l) => l.requestId === made && l.res), "the 404's line");
    const me = t.lines.find((l) => l.requestId === "trace-42.a:b_c" && l.res)!;
    assert.equal(me.level, 30);
    assert.equal(me.req.url, "/api/me?token=[Redacted]");
    const notFound = t.lines.find((l) => l.requestId === made && l.res)!;
    assert.equal(notFound.level, 20, "a client's mistake is a debug line");
    assert.equal(notFound.res.statusCode, 404);
    assert.ok(!t.lines.some((l) => JSON.stringify(l).includes(token)), "the token is in no line");
    assert.ok(!t.lines.some((l) => /authorization|a-long-admin-password/i.test(JSON.stringify(l))), "no Authorization header or password in any line");
  });
});

describe("metrics off without the admin credentials", function () {
  let t: TestServer;
  before(async () => {
    t = await startServer();
  });
  after(() => t.close());

  it("answers /metrics 404, with or without credentials", async () => {
    assert.equal((await fetch(`${t.http}/metrics`)).status, 404);
    assert.equal((await fetch(`${t.http}/metrics`, { headers: OPS })).status, 404);
  });
});

describe("metrics alone (fake probes)", () => {
  const probes = (over: Partial<MetricsProbes> = {}): MetricsProbes => ({
    roomNames: () => ["word_duel"],
    rooms: () => [],
    results: { recordedCount: 3, pendingCount: 2, outboxCount: 1, deadLetterCount: 4 },
    sweptCount: () => 5,
    ...over,
  });

  it("reads results, sweeps and health at scrape time; MongoDB is down when its ping fails or is slow", async () => {
    let redis = true;
    let ping: () => Promise<unknown> = async () => undefined;
    const metrics = new Metrics(probes({ redisUp: () => redis, storePing: () => ping() }));
    let samples = parseProm((await metrics.scrape()).body);
    assert.deepEqual(
      ["results_recorded_total", "results_pending", "outbox_depth", "results_dead_lettered", "cluster_swept_processes_total", "redis_up", "mongodb_up"].map((n) => total(samples, `lingualeap_${n}`)),
      [3, 2, 1, 4, 5, 1, 1],
    );
    redis = false;
    ping = () => Promise.reject(new Error("down"));
    samples = parseProm((await metrics.scrape()).body);
    assert.deepEqual([total(samples, "lingualeap_redis_up"), total(samples, "lingualeap_mongodb_up")], [0, 0]);
    ping = () => new Promise(() => undefined); // never answers
    const started = Date.now();
    samples = parseProm((await withTimeout(metrics.scrape(), 5000, "a scrape with a hanging ping")).body);
    assert.equal(total(samples, "lingualeap_mongodb_up"), 0);
    assert.ok(Date.now() - started < 3000, "the ping is cut short");
  });

  it("keeps each app's metrics apart (a registry per app) and counts room messages and patches", async () => {
    const one = new Metrics(probes());
    const two = new Metrics(probes());
    one.message("word_duel", "answer");
    one.message("word_duel", "answer");
    one.message("word_duel", "unknown");
    one.patched("word_duel", 40, 2, 3);
    one.patched("word_duel", 20, 2, undefined);
    const a = parseProm((await one.scrape()).body);
    const b = parseProm((await two.scrape()).body);
    assert.equal(total(a, "lingualeap_room_messages_total", { room: "word_duel", type: "answer" }), 2);
    assert.equal(total(a, "lingualeap_room_messages_total", { type: "unknown" }), 1);
    assert.equal(total(a, "lingualeap_answer_patch_seconds_count"), 1);
    assert.equal(total(a, "lingualeap_answer_patch_seconds_sum"), 0.003);
    assert.deepEqual([total(a, "lingualeap_patch_bytes_count"), total(a, "lingualeap_patch_bytes_sum"), total(a, "lingualeap_patch_sent_bytes_total")], [2, 60, 120]);
    assert.equal(total(b, "lingualeap_room_messages_total"), 0);
    assert.equal(total(b, "lingualeap_patch_bytes_count"), 0);
    assert.ok(b.some((s) => s.name === "nodejs_eventloop_lag_seconds"), "both carry the process's metrics");
  });

  it("documents every metric it exports (docs/operations.md), and the dashboard and scrape config ask for what it serves", async () => {
    const metrics = new Metrics(probes({ redisUp: () => true, storePing: async () => undefined }));
    const text = (await metrics.scrape()).body;
    const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => ({ name, type }));
    const docs = readFileSync(join(ROOT, "docs/operations.md"), "utf8");
    const start = docs.indexOf("## Metrics and logs");
    const section = docs.slice(start, docs.indexOf("\n## ", start + 1));
    const documented = [...section.matchAll(/^\| `(lingualeap_[a-z_]+)` \| (\w+) \|/gm)].map(([, name, type]) => `${name} ${type}`);
    const ours = families.filter((f) => f.name.startsWith("lingualeap_")).map((f) => `${f.name} ${f.type}`);
    assert.deepEqual(documented.sort(), ours.sort());

    const exported = new Set(families.flatMap((f) => (f.type === "histogram" ? ["_bucket", "_sum", "_count"].map((x) => f.name + x) : [f.name])));
    const dashboard = JSON.parse(readFileSync(join(ROOT, "server/deploy/grafana/dashboards/lingualeap.json"), "utf8"));
    const source = parse(readFileSync(join(ROOT, "server/deploy/grafana/datasources/prometheus.yml"), "utf8")).datasources[0];
    const targets = dashboard.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => ({ ...t, panel: p })));
    assert.ok(targets.length > 20);
    for (const t of targets) {
      assert.equal(t.panel.datasource.uid, source.uid, `${t.panel.title}: the provisioned datasource`);
      for (const name of t.expr.match(/\b(lingualeap|nodejs|process)_[a-z0-9_]+/g) ?? []) assert.ok(exported.has(name), `${t.panel.title}: ${name} is exported`);
    }
    const provider = parse(readFileSync(join(ROOT, "server/deploy/grafana/dashboards/lingualeap.yml"), "utf8")).providers[0];
    assert.equal(provider.options.path, "/etc/grafana/provisioning/dashboards");

    const scrape = parse(readFileSync(join(ROOT, "server/deploy/prometheus.yml"), "utf8")).scrape_configs.find((j: any) => j.job_name === "lingualeap");
    assert.equal(scrape.metrics_path, "/metrics");
    assert.ok(scrape.basic_auth.username_file && scrape.basic_auth.password_file, "the admin credentials, from files");
    const compose = parse(readFileSync(join(ROOT, "docker-compose.yml"), "utf8"));
    const ports = Object.entries(compose.services as Record<string, any>)
      .filter(([, s]) => s.environment?.PORT)
      .map(([name, s]) => `${name}:${s.environment.PORT}`);
    assert.deepEqual(scrape.static_configs.flatMap((c: any) => c.targets).sort(), ports.sort(), "every game process of docker-compose.yml is scraped");
  });

  it("names a matchmaking answer's outcome from its status and body", () => {
    assert.deepEqual(
      [[200, false, true], [200, true, true], [400, true, true], [413, true, true], [429, true, true], [503, true, true], [500, false, true], [200, false, false]].map(([s, r, f]) => matchmakeOutcome(s as number, r as boolean, f as boolean)),
      ["ok", "refused", "bad_request", "bad_request", "rate_limited", "unavailable", "error", "aborted"],
    );
  });
});
