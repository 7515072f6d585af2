/**
 * Starts one FerretDB (SQLite handler) on a free 127.0.0.1 port with a fresh temporary
 * directory and waits until a driver `ping` answers. Shared by the mocha global fixture
 * (test/infra/services.ts), the results bench (loadtest/bench/) and the fault run
 * (loadtest/harness/faults/).
 *
 * A watchdog (`sh` holding a pipe to this process) stops ferretdb even if this process is
 * SIGKILLed; stop() and killNow() stop it on purpose and remove the directory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { freePort } from "./ports";

export interface FerretDbOptions {
  /** The ferretdb executable. */
  binary: string;
  /** Prefix of the temporary data directory, created in os.tmpdir(). */
  dirPrefix: string;
  /** How long to wait for ferretdb to answer a ping. */
  readyTimeoutMs: number;
  /**
   * Called as soon as ferretdb is spawned, before it is ready, so exit and signal hooks can
   * stop it during startup too.
   */
  onSpawn?: (ferret: FerretDbProcess) => void;
}

export interface FerretDbProcess {
  /** mongodb://127.0.0.1:<port>/ */
  url: string;
  /** Its data and state directory (removed by stop() and killNow()). */
  dir: string;
  /** SIGTERM, SIGKILL if still running after 5 s, then removes the directory. */
  stop(): Promise<void>;
  /** Synchronous SIGKILL and directory removal, so it also works from the "exit" event. */
  killNow(): void;
}

const KILL_AFTER_MS = 5_000;
const OUTPUT_KEPT = 4_000;

/**
 * Resolves once ferretdb answers ping. Rejects (having killed ferretdb and removed its
 * directory) if it exits or does not answer within readyTimeoutMs; the error carries the
 * tail of its output.
 */
export async function startFerretDb(opts: FerretDbOptions): Promise<FerretDbProcess> {
  const { binary, dirPrefix, readyTimeoutMs } = opts;
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), dirPrefix));
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("FERRETDB_")) delete env[key]; // flags only
  let server: ChildProcess;
  try {
    server = spawn(
      binary,
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
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_KEPT));
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

  const running = () => server.exitCode === null && server.signalCode === null && exitedWith === undefined;
  let cleaned = false;
  const killNow = (): void => {
    if (cleaned) return;
    cleaned = true;
    if (running()) server.kill("SIGKILL");
    watchdog?.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const stop = async (): Promise<void> => {
    if (cleaned) return;
    if (running()) server.kill("SIGTERM");
    const timer = setTimeout(() => server.kill("SIGKILL"), KILL_AFTER_MS);
    await exited;
    clearTimeout(timer);
    killNow();
  };
  const url = `mongodb://127.0.0.1:${port}/`;
  const ferret: FerretDbProcess = { url, dir, stop, killNow };
  opts.onSpawn?.(ferret);

  const deadline = Date.now() + readyTimeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline && exitedWith === undefined && !cleaned) {
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.db("admin").command({ ping: 1 });
      return ferret;
    } catch (err) {
      lastError = err;
    } finally {
      await client.close().catch(() => undefined);
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 100))]);
  }
  const why =
    exitedWith !== undefined ? `exited (${exitedWith})` : cleaned ? "was stopped while starting" : `did not answer ping within ${readyTimeoutMs} ms`;
  killNow();
  throw new Error(
    `FerretDB (${binary}) ${why}` +
      (lastError instanceof Error ? `; last ping error: ${lastError.message}` : "") +
      (output.trim() ? `\n--- its output ---\n${output.trim()}` : ""),
  );
}
