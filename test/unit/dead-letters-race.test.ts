/**
 * Found by review, fixed: DeadLetters (JsonLines) appends and rewrites were not serialised. A result put aside
 * (refused 3 times, or malformed) while an operator's replay rewrites the file can vanish from
 * the file: it is in memory only, and gone after a restart.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { DeadLetters } from "../../server/DeadLetters";

const silent = pino({ level: "silent" });
const letter = (matchId: string) => ({ matchId, failedAt: Date.now(), reason: "refused", result: { matchId } });

describe("dead letters: appends and removals one at a time", () => {
  it("keeps a dead letter put aside while a replay removes others", async () => {
    let lost = 0;
    const trials = 50;
    for (let t = 0; t < trials; t++) {
      const path = join(mkdtempSync(join(tmpdir(), "ll-dl-")), "dead.jsonl");
      const dl = new DeadLetters(path);
      await dl.load(silent);
      await dl.append(letter("replayed"));
      // the replay removes "replayed" while the writer puts "new" aside
      await Promise.all([dl.remove(new Set(["replayed"])), dl.append(letter("new"))]);
      const after = new DeadLetters(path);
      const onDisk = (await after.load(silent)).map((d) => d.matchId);
      if (!onDisk.includes("new")) lost += 1;
    }
    assert.equal(lost, 0, `a dead letter put aside during a replay was missing from the file after a restart in ${lost} of ${trials} trials`);
  });
});
