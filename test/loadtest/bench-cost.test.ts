/**
 * `npm run bench:cost` as a child process: --help and a bad flag exit as every load program
 * does, and a tiny run of two sections (the floor, and bytes with 2 duels on a tsx server)
 * prints their table rows and writes figures that add up. Figures only: nothing is timed.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { withTimeout } from "../helpers/wait";

const ROOT = resolve(__dirname, "..", "..");

async function bench(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn("npm", ["run", "--silent", "bench:cost", "--", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let [stdout, stderr] = ["", ""];
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  try {
    return { code: await withTimeout(exited, timeoutMs, "bench:cost to exit"), stdout, stderr };
  } catch (err) {
    child.kill("SIGTERM"); // the bench kills its servers on the way out
    throw new Error(`${(err as Error).message}\n${stdout}\n${stderr}`);
  }
}

describe("npm run bench:cost", function () {
  this.timeout(60000);

  it("prints its usage for --help (exit 0) and refuses a bad section (exit 2)", async () => {
    const help = await bench(["--help"], 15000);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /usage: npm run bench:cost/);
    assert.match(help.stdout, /--only LIST/);
    const bad = await bench(["--only", "floor,speed"], 15000);
    assert.equal(bad.code, 2, bad.stdout);
    assert.match(bad.stderr, /--only takes sections/);
  });

  it("runs the floor, the bytes of two duels and the joins of four learners, printing their rows and JSON figures", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ll-bench-cost-test-"));
    const json = join(dir, "cost.json");
    try {
      const args = ["--only", "floor,bytes,joins", "--clients", "4", "--messages", "400", "--duels", "2", "--joiners", "4", "--cycles", "1", "--server-cmd", "tsx", "--budget-s", "15", "--json", json];
      const { code, stdout, stderr } = await bench(args, 50000);
      assert.equal(code, 0, `${stdout}\n${stderr}`);
      assert.match(stdout, /^bench:cost — \d+ × .*Node v\d+/m, "the machine first");
      assert.match(stdout, /^\| floor \| [\d.]+ ms CPU per echoed message \|/m);
      assert.match(stdout, /^\| bytes \(raw colyseus\.js\) \| \d+ B received per learner per round/m);
      assert.match(stdout, /^\| bytes \(SDK\) \| \d+ B received per learner per round/m);
      assert.match(stdout, /^\| joins \| [\d.]+ ms CPU per learner into a duel and out \(reserve [\d.]+ \+ take [\d.]+ \+ leave [\d.]+\)/m);
      assert.doesNotMatch(stdout, /^\| (answers|memory|idle) \|/m, "only the sections asked for");
      const report = JSON.parse(readFileSync(json, "utf8"));
      assert.equal(report.floor.messages, 400);
      assert.ok(report.floor.frameBytes > 10 && report.floor.cpuPerMessageMs > 0, JSON.stringify(report.floor));
      const j = report.joins;
      assert.deepEqual([j.learners, j.cycles, j.all.length], [4, 1, 1]);
      for (const step of ["reserve", "take", "leave"]) assert.ok(j.perLearner[step] >= 0 && Number.isFinite(j.perLearner[step]), JSON.stringify(j));
      assert.ok(Number.isFinite(j.perLearner.total) && j.signInMs >= 0, JSON.stringify(j));
      for (const side of ["raw", "sdk"]) {
        const b = report.bytes[side];
        assert.equal(b.learners, 4, side);
        assert.equal(b.rounds, 10, side);
        const byCode = Object.values(b.byCode as Record<string, { bytes: number }>).reduce((n, t) => n + t.bytes, 0);
        assert.ok(Math.abs(byCode - b.perRound.bytes) < 0.01, `${side}: the codes add up to the total`);
        assert.ok(b.byCode["10 join"] && b.byCode["15 patch"], `${side}: ${JSON.stringify(b.byCode)}`);
        assert.deepEqual(b.rawCheck, { agree: 4, of: 4 }, `${side}: frame arithmetic matches the socket's bytes`);
        assert.ok(b.matchmake.body > 0 && b.matchmake.headers > 0, side);
        assert.deepEqual(b.problems, [], side);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
