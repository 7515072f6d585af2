/**
 * The classroom run (loadtest/harness/classroom/, `npm run loadtest -- --scenario classroom`)
 * as a child process: a tiny classroom against a spawned server finishes every game and
 * reports sane figures; a bad option is a usage error.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { withTimeout } from "../helpers/wait";

const ROOT = resolve(__dirname, "..", "..");

async function runClassroom(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string; report: any }> {
  const dir = mkdtempSync(join(tmpdir(), "ll-classroom-test-"));
  const json = join(dir, "report.json");
  const child = spawn(process.execPath, ["--import", "tsx", "loadtest/harness/harness.ts", "--scenario", "classroom", ...args, "--json", json], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  try {
    const code = await withTimeout(exited, timeoutMs, "the classroom run to exit");
    let report: unknown;
    try {
      report = JSON.parse(readFileSync(json, "utf8"));
    } catch {
      report = undefined;
    }
    return { code, output, report };
  } catch (err) {
    child.kill("SIGTERM");
    await withTimeout(exited, 15000, "the classroom run to stop after SIGTERM").catch(() => child.kill("SIGKILL"));
    throw new Error(`${(err as Error).message}\n${output}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("classroom load run", function () {
  // tsx on the sources: no build to wait for, so the whole run takes a few seconds.
  this.timeout(60000);

  it("plays 2 games × 5 players × 2 rounds to their podiums and reports latencies, bytes and CPU", async () => {
    const { code, output, report } = await runClassroom(["--games", "2", "--players", "5", "--rounds", "2", "--think", "200", "--reveal", "200", "--ramp", "1", "--fast", "--server-cmd", "tsx"], 55000);
    assert.equal(code, 0, output);
    assert.equal(report.ok, true, output);
    assert.deepEqual(report.games, { planned: 2, created: 2, started: 2, finished: 2, reports: 2 });
    assert.deepEqual(report.players, { planned: 10, joined: 10, onPodium: 10 });
    assert.equal(report.answers.sent, 20);
    assert.equal(report.answers.accepted, 20);
    const ap = report.latencyMs.answerPatch;
    assert.ok(ap.count === 20 && ap.p50 > 0 && ap.p99 >= ap.p50 && ap.p99 < 2000, JSON.stringify(ap));
    const { phone, host } = report.bytesPerRound;
    assert.equal(phone.sockets, 10);
    assert.equal(host.sockets, 2);
    // A round reaches a phone as a few patches of its own line and the question: tens to hundreds of bytes.
    assert.ok(phone.bytes.mean > 20 && phone.bytes.mean < 5000, JSON.stringify(phone));
    assert.ok(host.bytes.mean >= phone.bytes.mean, "the host sees every line, a phone only its own");
    assert.ok(phone.byCode["15 patch"].frames >= 1, JSON.stringify(phone.byCode));
    assert.equal(report.servers.length, 1);
    assert.ok(report.servers[0].cpuMs > 0 && report.servers[0].rssMB > 0, JSON.stringify(report.servers[0]));
    // Split where every game had started (sampled once a second: a play this short may fall in one sample).
    const cpu = report.serverCpu;
    assert.ok(cpu.joinsMs > 0 && cpu.perJoinMs > 0 && cpu.playMs >= 0 && Number.isFinite(cpu.perAnswerMs) && Math.abs(cpu.joinsMs + cpu.playMs - cpu.totalMs) <= 1, JSON.stringify(cpu));
    assert.deepEqual(report.errors, {}, JSON.stringify(report.errorExamples));
    assert.match(output, /answer→patch/);
  });

  it("refuses a bad option with the usage (exit code 2)", async () => {
    const { code, output } = await runClassroom(["--players", "0"], 20000);
    assert.equal(code, 2, output);
    assert.match(output, /--players must be/);
  });
});
