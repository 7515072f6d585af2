/**
 * The headless load harness (loadtest/harness/harness.ts) as a child process: a short run against a
 * spawned server passes with a full report, and an unreachable endpoint fails fast.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../../loadtest/support/ports";
import { withTimeout } from "../helpers/wait";

const ROOT = resolve(__dirname, "..", "..");

interface Outcome {
  code: number | null;
  output: string;
  report: any;
}

/** Runs the harness with `args` plus --json; resolves with its exit code, output and report. */
async function runHarness(args: string[], timeoutMs: number): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), "ll-loadtest-test-"));
  const json = join(dir, "report.json");
  const child = spawn(process.execPath, ["--import", "tsx", "loadtest/harness/harness.ts", ...args, "--json", json], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  try {
    const code = await withTimeout(exited, timeoutMs, "the harness to exit");
    const report = (() => {
      try {
        return JSON.parse(readFileSync(json, "utf8"));
      } catch {
        return undefined;
      }
    })();
    return { code, output, report };
  } catch (err) {
    // SIGTERM lets the harness stop its server and shards; SIGKILL if it does not.
    child.kill("SIGTERM");
    await withTimeout(exited, 15000, "the harness to stop after SIGTERM").catch(() => child.kill("SIGKILL"));
    throw new Error(`${(err as Error).message}\n${output}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("load harness", function () {
  // The spawned server is compiled first (scripts/build.mjs, about 7 s, longer on a busy machine).
  this.timeout(70000);

  it("plays short ranked duels against a spawned server and reports duels, latencies and no errors", async () => {
    const { code, output, report } = await runHarness(["--bots", "4", "--shards", "2", "--duration", "6", "--ramp", "0", "--fast", "--rounds", "2", "--think", "300"], 65000);
    assert.equal(code, 0, output);
    assert.ok(report, `a JSON report:\n${output}`);
    assert.equal(report.ok, true);
    assert.ok(report.duelsCompleted > 0, "duels completed");
    assert.ok(report.paired > 0 && report.pairedPerSecond > 0, "learners paired");
    assert.ok(report.ccu.peak > 0 && report.ccu.peak <= 4, `ccu ${JSON.stringify(report.ccu)}`);
    for (const kind of ["signIn", "queueWait", "join", "answerPatch"]) {
      const s = report.latencyMs[kind];
      assert.ok(s && s.count > 0 && s.p50 >= 0 && s.p99 >= s.p50 && s.max >= s.p99, `${kind}: ${JSON.stringify(s)}`);
    }
    assert.deepEqual(report.errors, {}, JSON.stringify(report.errorExamples));
    assert.equal(report.servers.length, 1);
    assert.ok(report.servers[0].rssMB > 0 && report.servers[0].cpuPercentMean >= 0, JSON.stringify(report.servers[0]));
    assert.match(output, /answer→patch/);
    assert.match(output, /servers: compiled into /, "the server ran from the run's build");
    assert.ok(["neither", "server", "load generator", "machine"].some((side) => report.saturation.verdict.includes(side)), JSON.stringify(report.saturation));
  });

  it("fails quickly against an unreachable endpoint", async () => {
    const port = await freePort(); // free a moment ago: nothing listens there
    const started = Date.now();
    const { code, output, report } = await runHarness(["--endpoint", `http://127.0.0.1:${port}`, "--bots", "2", "--shards", "1", "--duration", "5"], 15000);
    assert.equal(code, 1, output);
    assert.ok(Date.now() - started < 15000);
    assert.equal(report.ok, false);
    assert.match(report.failures.join("\n"), /unreachable/);
    assert.equal(report.duelsCompleted, 0);
  });
});
