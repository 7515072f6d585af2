/**
 * `npm run loadtest -- --lean`: its options (casual only, the bot limits, sockets per process)
 * and a short run of lean bots against a spawned server, as a child process, with its report.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseOptions } from "../../loadtest/harness/options";
import { planShards } from "../../loadtest/harness/shard-procs";
import { UsageError } from "../../loadtest/support/args";
import { withTimeout } from "../helpers/wait";

const ROOT = resolve(__dirname, "..", "..");

describe("load harness --lean: options", () => {
  it("takes lean bots for the casual scenario only", () => {
    assert.equal(parseOptions(["--lean", "--scenario", "casual"]).lean, true);
    assert.equal(parseOptions(["--scenario", "casual"]).lean, false);
    assert.throws(() => parseOptions(["--lean"]), (e: unknown) => e instanceof UsageError && /casual only/.test(e.message));
    assert.throws(() => parseOptions(["--lean", "--scenario", "pairing"]), UsageError);
  });

  it("allows 20,000 lean bots but 5,000 SDK bots, and at most 15,000 sockets in one shard or spawned server", () => {
    assert.equal(parseOptions(["--lean", "--scenario", "casual", "--bots", "10000", "--servers", "1"]).bots, 10_000);
    assert.throws(() => parseOptions(["--lean", "--scenario", "casual", "--bots", "20001", "--servers", "2", "--shards", "2"]), UsageError);
    assert.throws(() => parseOptions(["--scenario", "casual", "--bots", "5001"]), UsageError);
    assert.throws(() => parseOptions(["--lean", "--scenario", "casual", "--bots", "16000", "--shards", "1"]), /per bot process/);
    assert.throws(() => parseOptions(["--lean", "--scenario", "casual", "--bots", "16000", "--shards", "4"]), /per server process/);
    assert.equal(parseOptions(["--lean", "--scenario", "casual", "--bots", "20000", "--shards", "4", "--servers", "2"]).bots, 20_000);
  });

  it("splits any number of bots over the shards in contiguous blocks that differ by at most one", () => {
    for (const [bots, shards] of [[10_000, 2], [10_000, 3], [7, 4], [5, 16]]) {
      const opts = parseOptions(["--lean", "--scenario", "casual", "--bots", String(bots), "--shards", String(shards), "--ramp", "10", "--duration", "30"]);
      const plan = planShards(opts, ["http://127.0.0.1:1", "http://127.0.0.1:2"], Math.min(shards, bots));
      const sizes = plan.map((p) => p.length);
      assert.equal(sizes.reduce((a, b) => a + b, 0), bots);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${bots} on ${shards}: ${sizes}`);
      const indexes = plan.flat().map((b) => b.index);
      assert.deepEqual(indexes, [...indexes].sort((a, b) => a - b), "contiguous blocks, in order");
      assert.ok(plan.flat().every((b) => b.startAfterMs >= 0 && b.startAfterMs < 10_000), "every start within the ramp");
      for (const block of plan) {
        // Each shard's share is spread over the whole ramp, not over a slice of it.
        const starts = block.map((b) => b.startAfterMs);
        assert.equal(starts[0], 0);
        if (block.length > 1) assert.ok(starts[starts.length - 1] >= 10_000 * (1 - 1 / block.length) - 1, `${bots} on ${shards}: ends at ${starts[starts.length - 1]}`);
      }
    }
  });
});

describe("load harness --lean: a run", function () {
  this.timeout(60_000);

  it("plays short casual duels with lean bots against a spawned server and reports both sides' CPU", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ll-lean-harness-"));
    const json = join(dir, "report.json");
    const args = ["--lean", "--scenario", "casual", "--bots", "6", "--shards", "2", "--duration", "6", "--ramp", "0", "--fast", "--rounds", "2", "--think", "300", "--json", json];
    const child = spawn(process.execPath, ["--import", "tsx", "loadtest/harness/harness.ts", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    try {
      const code = await withTimeout(new Promise<number | null>((r) => child.once("exit", r)), 55_000, "the harness to exit");
      assert.equal(code, 0, output);
      const report = JSON.parse(readFileSync(json, "utf8"));
      assert.equal(report.options.lean, true);
      assert.ok(report.duelsCompleted > 0 && report.paired > 0, output);
      assert.ok(report.answers.sent > 0 && report.answers.accepted === report.latencyMs.answerPatch.count, JSON.stringify(report.answers));
      assert.deepEqual(report.errors, {}, JSON.stringify(report.errorExamples));
      assert.equal(report.loadGenerator.length, 2);
      assert.match(output, /cpu per learner {2}server [\d.]+ ms, load generator [\d.]+ ms per connected learner-second/);
      assert.match(output, /gen cpu [\d.]+%\+[\d.]+% \([\d.—]+ ms\/learner·s\)/);
    } finally {
      if (child.exitCode === null) child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
