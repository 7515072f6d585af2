/**
 * ecosystem.config.js under a real PM2 (its daemon in a temp PM2_HOME), behind the repo's
 * nginx.conf run by a real nginx: both processes come up on their ports running the compiled
 * server (`npm run build`'s output, built here into a folder of the test's own and named by
 * LL_BUILD_DIR), and `pm2 reload` (each process drains, exits, and its successor starts on the
 * same port) loses no matchmaking request sent through nginx meanwhile (with one resend of a
 * 502/503, as the SDK does). And every production path runs compiled JavaScript, never tsx:
 * PM2's script, the compose game services (the image's CMD) and the Dockerfile.
 *
 * PM2 is a tool, not a dependency of the game (and AGPL-licensed): PM2_PATH names one, else
 * this installs the pinned version into .tools/pm2 the first time (npm, a few seconds).
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Redis from "ioredis";
import { parse } from "yaml";
import { freePort } from "../../loadtest/support/ports";
import { freshDbName, testMongoUrl, dropTestDb } from "../infra/mongo";
import { startNginx, type NginxProcess } from "../helpers/nginx";
import { CLUSTER_REDIS_URL, openClusterRedis, closeClusterRedis } from "../helpers/processes";
import { guestToken, TEST_ENV } from "../helpers/server";
import { waitUntil, withTimeout } from "../helpers/wait";

const ROOT = resolve(__dirname, "..", "..");
const PM2_VERSION = "7.0.4";
const PM2_DIR = join(ROOT, ".tools", "pm2");
/** The test's own build (inside the project, so the compiled server finds node_modules; .tmp/ is ignored). */
const BUILD_DIR = join(".tmp", `pm2-build-${process.pid}`);

/** PM2's CLI: PM2_PATH, else .tools/pm2 (installed there when missing). */
function pm2Binary(): string {
  if (process.env.PM2_PATH) return process.env.PM2_PATH;
  const bin = join(PM2_DIR, "node_modules", ".bin", "pm2");
  if (!existsSync(bin)) {
    try {
      execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefix", PM2_DIR, `pm2@${PM2_VERSION}`], { stdio: "pipe", timeout: 120000 });
    } catch (err) {
      throw new Error(`PM2 is needed by this test: \`npm install --prefix .tools/pm2 pm2@${PM2_VERSION}\` failed (or set PM2_PATH to a pm2 CLI):\n${(err as { stderr?: Buffer }).stderr ?? err}`);
    }
  }
  return bin;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer().once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A free port whose next one is free too: PM2 gives process k the port PORT + k. */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await freePort();
    if (port < 65535 && (await portFree(port + 1))) return port;
  }
  throw new Error("no two consecutive free ports");
}

interface Pm2App {
  pid: number;
  pm2_env: { status: string; restart_time: number; PORT?: string | number; pm_exec_path: string; node_args: string[] };
}

describe("cluster: PM2 runs ecosystem.config.js behind nginx", function () {
  this.timeout(120000);
  const dbName = freshDbName("pm2");
  let home: string;
  let pm2: (...args: string[]) => string;
  let env: Record<string, string | undefined>;
  let base: number;
  let nginx: NginxProcess;
  let redis: Redis;
  const kill = () => {
    try {
      pm2?.("kill");
    } catch {
      // nothing was started
    }
  };

  before(async () => {
    const binary = pm2Binary();
    const build = spawnSync(process.execPath, ["scripts/build.mjs", "--out-dir", BUILD_DIR], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    assert.equal(build.status, 0, `the build failed:\n${build.stdout}\n${build.stderr}`);
    home = mkdtempSync(join(tmpdir(), "ll-pm2-"));
    redis = await openClusterRedis();
    base = await freePortPair();
    const front = await freePort();
    env = {
      ...process.env,
      ...TEST_ENV,
      PM2_HOME: home,
      LL_BUILD_DIR: BUILD_DIR,
      PORT: String(base),
      LOG_LEVEL: "warn",
      REDIS_URL: CLUSTER_REDIS_URL,
      MONGODB_URL: testMongoUrl(),
      MONGODB_DB: dbName,
      PUBLIC_ADDRESS: `127.0.0.1:${front}/{port}`,
      OUTBOX_PATH: join(home, "outbox-{port}.jsonl"),
      DEAD_LETTER_PATH: join(home, "dead-letter-{port}.jsonl"),
    };
    pm2 = (...args: string[]) => execFileSync(binary, args, { cwd: ROOT, env, encoding: "utf8", timeout: 90000 });
    process.once("exit", kill);
    pm2("start", "ecosystem.config.js");
    nginx = await startNginx([base, base + 1], front);
  });

  after(async () => {
    kill();
    process.removeListener("exit", kill);
    await nginx?.stop();
    await closeClusterRedis(redis);
    await dropTestDb(dbName);
    if (home) rmSync(home, { recursive: true, force: true });
    rmSync(join(ROOT, BUILD_DIR), { recursive: true, force: true });
  });

  const apps = () => JSON.parse(pm2("jlist")) as Pm2App[];
  /** The processes' error lines (PM2 keeps their output in PM2_HOME/logs). */
  const errorLines = () =>
    readdirSync(join(home, "logs"))
      .flatMap((f) => readFileSync(join(home, "logs", f), "utf8").split("\n"))
      .filter((l) => /"level":(50|60)/.test(l))
      .slice(-10)
      .join("\n");
  const ready = async (port: number) => (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0)) === 200;

  it("starts one forked process per port, each ready, and `pm2 reload` loses no matchmaking request through nginx", async () => {
    const before = apps();
    assert.deepEqual(before.map((a) => [a.pm2_env.status, Number(a.pm2_env.PORT)]), [["online", base], ["online", base + 1]]);
    assert.ok((await ready(base)) && (await ready(base + 1)), "both processes are ready when `pm2 start` returns (wait_ready)");
    for (const app of before) {
      assert.equal(app.pm2_env.pm_exec_path, join(ROOT, BUILD_DIR, "server", "main.js"), "PM2 runs the compiled server");
      assert.deepEqual(app.pm2_env.node_args, [], "with plain node (no tsx)");
      assert.doesNotMatch(readFileSync(`/proc/${app.pid}/cmdline`, "utf8"), /tsx/, "nothing in the process's command line compiles TypeScript");
    }

    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => guestToken(nginx.http, `R${i}`)));
    const logged = nginx.accessLog().length;
    const refused: { status: number; body: unknown }[] = [];
    let sent = 0;
    let reloading = true;
    const post = async (token: string) => {
      const res = await fetch(`${nginx.http}/matchmake/joinOrCreate/practice`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ lang: "es", mode: "choice" }),
      });
      return { status: res.status, body: (await res.json().catch(() => undefined)) as { sessionId?: string } | undefined };
    };
    // nginx tries each process once per request: one that reaches the restarted process in
    // the last moments before it is ready, and the next one just after PM2 stopped it, fails
    // on both (502/503). The SDK sends those again after 0.4 s (client-sdk/retry.ts), as here;
    // any other failure is final.
    let clientRetries = 0;
    const worker = async (k: number) => {
      for (let i = k; reloading; i += 2) {
        const token = tokens[i % tokens.length];
        let answer = await post(token);
        if ([502, 503, 504].includes(answer.status)) {
          clientRetries++;
          await new Promise((r) => setTimeout(r, 400));
          answer = await post(token);
        }
        sent++;
        if (answer.status !== 200 || typeof answer.body?.sessionId !== "string") refused.push(answer);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const workers = [worker(0), worker(1)];
    const startedAt = Date.now();
    // What each port's /readyz answered, as it changed: shows a failure's moment in the reload.
    const timeline: string[] = [];
    const last = new Map<number, number>();
    const polling = (async () => {
      while (reloading) {
        for (const port of [base, base + 1]) {
          const status = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0);
          if (last.get(port) !== status) timeline.push(`+${Date.now() - startedAt} ms :${port} ${status || "refused"}`);
          last.set(port, status);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const reload = new Promise<number | null>((resolve) => spawn(pm2Binary(), ["reload", "lingualeap"], { cwd: ROOT, env, stdio: "ignore" }).once("exit", resolve));
    assert.equal(await withTimeout(reload, 90000, "pm2 reload"), 0);
    const reloadMs = Date.now() - startedAt;
    await waitUntil(async () => (await ready(base)) && (await ready(base + 1)), "both processes ready after the reload", 30000, 100);
    reloading = false;
    await Promise.all([...workers, polling]);

    const retried = nginx.accessLog().slice(logged).filter((l) => l.uri.startsWith("/matchmake/") && l.upstreamStatus.includes(","));
    process.stdout.write(
      `      (pm2 reload took ${reloadMs} ms; ${sent} matchmaking POSTs meanwhile, ${retried.length} retried by nginx ` +
        `(${[...new Set(retried.map((l) => l.upstreamStatus))].join(" / ")}), ${clientRetries} sent again by the client as the SDK does, ${refused.length} refused)\n`,
    );
    const failed = nginx.accessLog().slice(logged).filter((l) => l.uri.startsWith("/matchmake/") && l.status !== 200);
    const when = failed.map((l) => `+${Math.round(l.time * 1000 - startedAt)} ms ${l.upstreamAddr} ${l.upstreamStatus}`);
    assert.deepEqual(refused, [], `no matchmaking request is refused during the reload: ${JSON.stringify(refused)}; nginx failed ${JSON.stringify(when)}; /readyz: ${timeline.join(", ")}; the processes logged:\n${errorLines()}`);
    assert.ok(retried.length > 0, "the reload did refuse requests, which nginx retried");
    assert.ok(clientRetries <= Math.max(2, sent / 20), `nginx answered ${clientRetries} of ${sent} with 502/503 itself: more than a handover race`);
    const after = apps();
    assert.deepEqual(after.map((a) => [a.pm2_env.status, a.pm2_env.restart_time]), [["online", 1], ["online", 1]], "each process was restarted once");
    for (const [k, app] of after.entries()) assert.notEqual(app.pid, before[k].pid, "a new process");
  });
});

describe("production runs compiled JavaScript", () => {
  const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

  it("PM2 runs dist/server/main.js with plain node by default; compose's game services run the image's CMD, node dist/server/main.js; nothing runs tsx", () => {
    const module = { exports: {} as { apps: Record<string, unknown>[] } };
    new Function("module", "exports", "process", read("ecosystem.config.js"))(module, module.exports, { env: {} });
    const [app] = module.exports.apps;
    assert.equal(app.script, "dist/server/main.js");
    assert.equal(app.node_args, undefined);
    assert.doesNotMatch(JSON.stringify(app), /tsx|\.ts"/);

    const compose = parse(read("docker-compose.yml"), { merge: true }) as { services: Record<string, Record<string, unknown>> };
    const games = Object.entries(compose.services).filter(([, s]) => (s.environment as Record<string, string> | undefined)?.PORT);
    assert.ok(games.length >= 2);
    for (const [name, s] of games) {
      assert.ok(s.build, `${name} is built from the Dockerfile`);
      assert.equal(s.command, undefined, `${name} keeps the image's CMD`);
      assert.equal(s.entrypoint, undefined, `${name} keeps the image's entry point`);
    }
    assert.doesNotMatch(read("docker-compose.yml").replace(/^\s*#.*$/gm, ""), /tsx/, "compose names no tsx outside comments");
    const docker = read("Dockerfile");
    assert.deepEqual(JSON.parse(/^CMD\s+(.+)$/m.exec(docker)?.[1] ?? "null"), ["node", "dist/server/main.js"]);
    assert.doesNotMatch(docker.replace(/^\s*#.*$/gm, ""), /tsx|ENTRYPOINT/);
  });

  it("`docker compose config` shows the game services without a command of their own, where Docker Compose is installed", function () {
    if (spawnSync("docker", ["compose", "version"], { encoding: "utf8" }).status !== 0) return this.skip(); // no Compose here: the test above parses the file
    const env = { ...process.env, JWT_SECRET: "a".repeat(64) };
    const config = spawnSync("docker", ["compose", "config", "--format", "json"], { cwd: ROOT, env, encoding: "utf8" });
    assert.equal(config.status, 0, config.stderr);
    for (const [name, s] of Object.entries((JSON.parse(config.stdout) as { services: Record<string, { command?: unknown; environment?: Record<string, string> }> }).services)) {
      if (s.environment?.PORT) assert.equal(s.command ?? null, null, `${name}: the image's CMD`);
    }
  });
});
