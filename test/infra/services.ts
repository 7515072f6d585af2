/**
 * Mocha global fixture (registered in .mocharc.json): works out the judge's lexicons when
 * missing or stale (content/lexicon.ts), and gives the tests a MongoDB-wire server.
 *
 * TEST_MONGODB_URL set: used as is. Otherwise this starts .tools/ferretdb (built by
 * `bash test/infra/ensure-ferretdb.sh`, which `npm test` runs first) on a free loopback port
 * with a fresh SQLite directory, waits until a driver `ping` answers, and sets
 * TEST_MONGODB_URL. Teardown, process exit, SIGINT/SIGTERM/SIGHUP and even a SIGKILLed test
 * process (via a watchdog that holds a pipe to us) all stop the server.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startFerretDb, type FerretDbProcess } from "../../loadtest/support/ferretdb-process";

const ROOT = path.resolve(__dirname, "../..");
const BINARY = path.join(ROOT, ".tools", "ferretdb");
const READY_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3; // a free port can be taken by someone else before ferretdb binds it
const DIR_PREFIX = "lingualeap-ferretdb-"; // + the test process's pid

let running: FerretDbProcess | undefined;

/** The judge's lexicons (content/lexicon.ts), worked out when missing or stale: `npm run lexicon`, in its own process. */
function ensureLexicons(): void {
  const built = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(ROOT, "content", "lexicon-build.ts")], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (built.status !== 0) throw new Error(`npm run lexicon failed (exit ${built.status ?? built.signal}): the judge's tests need content/lexicon/`);
}

export async function mochaGlobalSetup(): Promise<void> {
  ensureLexicons();
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
      const { url } = await startFerretDb({
        binary: BINARY,
        dirPrefix: `${DIR_PREFIX}${process.pid}-`,
        readyTimeoutMs: READY_TIMEOUT_MS,
        onSpawn: (ferret) => (running = ferret), // so the exit and signal hooks stop it while it starts
      });
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
  await running?.stop();
  running = undefined;
}

/** Synchronous, so it also works from the "exit" event. */
function stopNow(): void {
  const r = running;
  running = undefined;
  r?.killNow();
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
