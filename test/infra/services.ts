/**
 * Mocha global fixture (registered in .mocharc.json): gives the tests a MongoDB-wire server.
 *
 * TEST_MONGODB_URL set: used as is. Otherwise this starts .tools/ferretdb (built by
 * `bash test/infra/ensure-ferretdb.sh`, which `npm test` runs first) on a free loopback port
 * with a fresh SQLite directory, waits until a driver `ping` answers, and sets
 * TEST_MONGODB_URL. Teardown, process exit, SIGINT/SIGTERM/SIGHUP and even a SIGKILLed test
 * process (via a watchdog that holds a pipe to us) all stop the server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";

const ROOT = path.resolve(__dirname, "../..");
const BINARY = path.join(ROOT, ".tools", "ferretdb");
const READY_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3; // a free port can be taken by someone else before ferretdb binds it
const DIR_PREFIX = "lingualeap-ferretdb-"; // + the test process's pid

interface Running {
  server: ChildProcess;
  watchdog?: ChildProcess;
  dir: string;
  exited: Promise<void>;
}

let running: Running | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.TEST_MONGODB_URL) {
    console.log(`MongoDB tests use TEST_MONGODB_URL=${redact(process.env.TEST_MONGODB_URL)}`);
    return;
  }
  if (!fs.existsSync(BINARY)) {
    throw new Error(
      `${path.relative(ROOT, BINARY)} is missing: run \`bash test/infra/ensure-ferretdb.sh\` (needs Go) ` +
        "to build it, or set TEST_MONGODB_URL to a throwaway MongoDB server",
    );
  }
  stopOnExit();
  removeStaleDirs();
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const url = await start();
      process.env.TEST_MONGODB_URL = url;
      console.log(`FerretDB ready at ${url} in ${Date.now() - started} ms`);
      return;
    } catch (err) {
      stopNow();
      if (attempt >= START_ATTEMPTS) throw err;
    }
  }
}

export async function mochaGlobalTeardown(): Promise<void> {
  const r = running;
  if (!r) return;
  if (r.watchdog) r.watchdog.stdin?.end(); // the watchdog sends SIGTERM to ferretdb
  else r.server.kill("SIGTERM");
  const timer = setTimeout(() => r.server.kill("SIGKILL"), 5_000);
  await r.exited;
  clearTimeout(timer);
  stopNow();
}

async function start(): Promise<string> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("FERRETDB_")) delete env[key]; // flags only
  const server = spawn(
    BINARY,
    [
      "--handler=sqlite",
      `--sqlite-url=file:${dir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${dir}`, // default "." would write state.json into the working tree
      "--debug-addr=-", // default 127.0.0.1:8088 would clash between concurrent runs
      "--telemetry=disable",
      "--log-level=warn",
    ],
    { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
  server.stdout!.on("data", keep);
  server.stderr!.on("data", keep);
  let exitedWith: string | undefined;
  const exited = new Promise<void>((resolve) => {
    server.once("exit", (code, signal) => {
      exitedWith = signal ?? `code ${code}`;
      resolve();
    });
    server.once("error", (err) => {
      exitedWith = err.message;
      resolve();
    });
  });
  // Stops ferretdb once our end of its stdin closes, however this process ends.
  let watchdog: ChildProcess | undefined;
  if (server.pid !== undefined) {
    watchdog = spawn("sh", ["-c", 'while read -r _; do :; done; kill "$1" 2>/dev/null', "watchdog", `${server.pid}`], {
      stdio: ["pipe", "ignore", "ignore"],
    });
    watchdog.unref();
    (watchdog.stdin as unknown as net.Socket).unref();
    void exited.then(() => watchdog?.kill("SIGKILL")); // never signal a pid that may be reused
  }
  running = { server, watchdog, dir, exited };

  const url = `mongodb://127.0.0.1:${port}/`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline && exitedWith === undefined) {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.db("admin").command({ ping: 1 });
      return url;
    } catch (err) {
      lastError = err;
    } finally {
      await client.close().catch(() => undefined);
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 100))]);
  }
  const why = exitedWith !== undefined ? `exited (${exitedWith})` : `did not answer ping within ${READY_TIMEOUT_MS} ms`;
  throw new Error(
    `FerretDB (${BINARY}) ${why}` +
      (lastError instanceof Error ? `; last ping error: ${lastError.message}` : "") +
      (output.trim() ? `\n--- its output ---\n${output.trim()}` : ""),
  );
}

/** Synchronous, so it also works from the "exit" event. */
function stopNow(): void {
  const r = running;
  if (!r) return;
  running = undefined;
  if (r.server.exitCode === null && r.server.signalCode === null) r.server.kill("SIGKILL");
  r.watchdog?.kill("SIGKILL");
  fs.rmSync(r.dir, { recursive: true, force: true });
}

/** Data directories left by test processes that were SIGKILLed (their ferretdb is gone too). */
function removeStaleDirs(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const pid = Number(/^lingualeap-ferretdb-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

let hooked = false;
function stopOnExit(): void {
  if (hooked) return;
  hooked = true;
  process.once("exit", stopNow);
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.once(signal, () => {
      stopNow();
      process.exit(code);
    });
  }
}
