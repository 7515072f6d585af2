/**
 * `npm run build`'s output runs on its own: scripts/build.mjs into a fresh folder, then plain
 * `node <out>/server/main.js` (no tsx, started from another working directory) finds the
 * decks and the built game beside its files, serves the game page, is ready, and seats two
 * learners in one duel.
 */
import { strict as assert } from "node:assert";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "colyseus.js";
import { guestToken, TEST_ENV } from "../helpers/server";
import { waitForState, withTimeout } from "../helpers/wait";

const ROOT = resolve(__dirname, "..", "..");
/** Inside the project (.tmp/ is ignored), so the compiled server finds node_modules. */
const OUT = join(".tmp", `build-test-${process.pid}`);

describe("the build output (npm run build, then node <out>/server/main.js)", function () {
  this.timeout(60000);
  let child: ChildProcess;
  let output = "";
  let http = "";

  before(async () => {
    const build = spawnSync(process.execPath, ["scripts/build.mjs", "--out-dir", OUT], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    assert.equal(build.status, 0, `the build failed:\n${build.stdout}\n${build.stderr}`);
    const env = { ...process.env, ...TEST_ENV, LOG_LEVEL: "info", OUTBOX_PATH: join(mkdtempSync(join(tmpdir(), "ll-build-")), "outbox.jsonl") };
    child = spawn(process.execPath, [join(ROOT, OUT, "server", "main.js")], { cwd: tmpdir(), env, stdio: ["ignore", "pipe", "pipe"] });
    const port = await withTimeout(
      new Promise<number>((resolve, reject) => {
        const keep = (chunk: Buffer) => {
          output = (output + chunk.toString()).slice(-8000);
          const port = /"port":(\d+).*"msg":"LinguaLeap listening/.exec(output)?.[1];
          if (port) resolve(Number(port));
        };
        child.stdout!.on("data", keep);
        child.stderr!.on("data", keep);
        child.once("exit", (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
      }),
      20000,
      "the compiled server to listen",
    );
    http = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await withTimeout(exited, 15000, "the compiled server to stop").catch(() => child.kill("SIGKILL"));
    }
    rmSync(join(ROOT, OUT), { recursive: true, force: true });
  });

  it("serves the built game page and its assets, and is ready with every deck", async () => {
    const page = await fetch(`${http}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<div id="app">/, "the browser game, not the page saying it is not built");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, "the page loads its bundle");
    assert.equal((await fetch(`${http}${script}`)).status, 200);
    const ready = await fetch(`${http}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(((await ready.json()) as { languages: string[] }).languages.sort(), ["de", "es", "fr", "it", "pt"]);
  });

  it("seats two learners in one duel, which starts", async () => {
    const learners = await Promise.all(["Ana", "Ben"].map(async (name) => {
      const client = new Client(http.replace(/^http/, "ws"));
      client.auth.token = await guestToken(http, name);
      return client;
    }));
    const a = await learners[0].joinOrCreate<any>("word_duel", { lang: "es", mode: "choice" });
    const b = await learners[1].joinOrCreate<any>("word_duel", { lang: "es", mode: "choice" });
    try {
      assert.equal(a.roomId, b.roomId);
      const state = await waitForState(a, (s: any) => s.players?.size === 2 && s.phase !== 0, "the duel to start", 10000);
      assert.ok([1, 2].includes(state.phase), `phase code ${state.phase} (countdown 1, round 2)`);
    } finally {
      await Promise.all([a.leave(true), b.leave(true)]);
    }
  });
});
