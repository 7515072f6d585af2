/**
 * Found by review, fixed: FileOutbox's pid lock took a lock file that names *this* process's pid (or any
 * live pid) as held by "another running process". In a container node is PID 1 on every
 * start (Dockerfile CMD ["node", "server/main.js"], compose restart: unless-stopped, a
 * per-process /data volume), so after a kill -9 / OOM / forced exit the restarted process
 * finds its own stale lock, writes beside it, and never adopts the old file: the results in
 * it (shown to learners) are never written.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { FileOutbox } from "../../server/FileOutbox";
import type { MatchResult } from "../../rooms/shared/match-result";

const silent = pino({ level: "silent" });
const result = (matchId: string): MatchResult => ({
  matchId, lang: "es", mode: "typed", practice: true, finishedAt: Date.now(),
  players: [{ userId: "u1", name: "Ana", score: 10, placement: 1, won: true, forfeited: false, isBot: false, words: [{ prompt: "apple", verdict: "correct" }] }],
});

describe("outbox lock: a stale lock never strands a crashed run's results", () => {
  it("adopts its own file after a crash when the stale lock names the same pid (container restart: node is PID 1 again)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ll-lock-"));
    const path = join(dir, "outbox-2567.jsonl");
    // What a kill -9'd run leaves: its file with a result, and its lock naming its pid (= ours now).
    writeFileSync(path, `${JSON.stringify(result("shown-before-crash"))}\n`);
    writeFileSync(`${path}.lock`, `${process.pid}::a-token-of-the-crashed-run`);
    const box = new FileOutbox(path, silent);
    await box.start();
    const waiting = (await box.pending()).map((r) => r.matchId);
    await box.stop();
    assert.deepEqual(waiting, ["shown-before-crash"], `the result of the crashed run is not among this process's pending results; it writes to ${box.where}; files: ${readdirSync(dir).join(", ")}`);
  });

  it("adopts a crashed run's file when its pid now belongs to an unrelated live process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ll-lock-"));
    const path = join(dir, "outbox-2567.jsonl");
    const other = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      writeFileSync(path, `${JSON.stringify(result("shown-before-crash"))}\n`);
      writeFileSync(`${path}.lock`, `${other.pid}:1:a-token-of-the-crashed-run`); // pid reused after a reboot: another start time
      const box = new FileOutbox(path, silent);
      await box.start();
      const waiting = (await box.pending()).map((r) => r.matchId);
      await box.stop();
      assert.deepEqual(waiting, ["shown-before-crash"], `stranded while pid ${other.pid} lives; this process writes to ${box.where}`);
    } finally {
      other.kill();
    }
  });

  it("adopts the one shared outbox.jsonl an earlier version left beside the per-process files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ll-lock-"));
    writeFileSync(join(dir, "outbox.jsonl"), `${JSON.stringify(result("from-the-old-version"))}\n`);
    const box = new FileOutbox(join(dir, "outbox-2567.jsonl"), silent);
    await box.start();
    const waiting = (await box.pending()).map((r) => r.matchId);
    await box.stop();
    assert.deepEqual(waiting, ["from-the-old-version"]);
    assert.ok(!readdirSync(dir).includes("outbox.jsonl"), "the old file is gone once adopted");
  });
});
