/**
 * The game server of the cost bench: compiled once (`scripts/build.mjs` into
 * .tmp/bench-cost-build, as production runs it) or run through tsx (`--server-cmd tsx`), in a
 * child process on a free 127.0.0.1 port with the loopback environment of every load program
 * (support/server-env.ts) plus the settings of one section; and its CPU and memory, from /proc.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { ServerProc } from "../harness/servers";
import { exitWithin, ROOT, track } from "../support/children";
import { loopbackUrl } from "../support/loopback";
import { freePort } from "../support/ports";
import { loopbackServerEnv } from "../support/server-env";
import { note } from "./measure";

/** How the server is started: the compiled build (production's way) or tsx. */
export type ServerCmd = "build" | "tsx";

/** Where the compiled server goes (.tmp/ is git-ignored, and inside the project so it finds node_modules). */
export const BUILD_DIR = join(".tmp", "bench-cost-build");

/** Every section's server: room messages unthrottled (bots answer 30 rounds in a second), no linger to speak of. */
const BENCH_ENV: Record<string, string> = {
  MSG_RATE_PER_SECOND: "1000",
  MSG_BURST: "1000",
  MSG_FLOOD_DISCONNECT: "100000",
  DUEL_COUNTDOWN_MS: "0",
  DUEL_REVEAL_MS: "0",
  DUEL_FINISHED_LINGER_MS: "200",
  // Rounds close when both have answered, never at the deadline: nothing depends on timing.
  DUEL_CHOICE_ROUND_MS: "120000",
  SHUTDOWN_GRACE_MS: "0",
};

/**
 * On SIGUSR2 the server runs a full GC (it is started with --expose-gc) and writes its
 * process.memoryUsage() as one stderr line: a preload of the bench's (a data: URL, so nothing
 * is added to the build: no "?" or "#" in it, they would end the URL's path), used by the
 * memory section only. RSS read right after it is the "after a full GC" figure.
 */
const MEMORY_PROBE = 'data:text/javascript,process.on("SIGUSR2",()=>{if(typeof gc==="function")gc();process.stderr.write("COSTMEM "+JSON.stringify(process.memoryUsage())+"\\n")})';

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process, in ms (/proc/<pid>/stat fields 14 and 15, clock ticks). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** VmRSS of a process, in KB (/proc/<pid>/status). */
export function rssKB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
}

/** Compiles the server into BUILD_DIR (about 5 s); throws with tsc's output when it fails. */
export function buildServer(): void {
  note(`building the server into ${BUILD_DIR}/ …`);
  const built = spawnSync(process.execPath, ["scripts/build.mjs", "--out-dir", BUILD_DIR], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
  if (built.status !== 0) throw new Error(`the build failed:\n${built.stdout}\n${built.stderr}`);
}

/** A running game server of the bench. */
export class BenchServer {
  private constructor(
    private readonly proc: ServerProc,
    private readonly dir: string,
  ) {}

  /** http://127.0.0.1:<port> */
  get http(): string {
    return this.proc.http;
  }

  get pid(): number {
    return this.proc.child.pid!;
  }

  /** The command line's --server-env, under every section's own settings. */
  static extraEnv: Record<string, string> = {};

  /** Starts a server with the bench's settings and `env` on top; resolves once /readyz answers. */
  static async start(cmd: ServerCmd, env: Record<string, string>, opts: { memoryProbe?: boolean } = {}): Promise<BenchServer> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "ll-bench-cost-"));
    const full = {
      ...loopbackServerEnv(port, randomBytes(32).toString("hex"), "warn"),
      OUTBOX_PATH: join(dir, "outbox.jsonl"),
      DEAD_LETTER_PATH: join(dir, "dead-letter.jsonl"),
      ...BENCH_ENV,
      ...BenchServer.extraEnv,
      ...env,
    };
    const args = [...(opts.memoryProbe ? ["--expose-gc", "--import", MEMORY_PROBE] : []), ...(cmd === "tsx" ? ["--import", "tsx", "server/main.ts"] : [join(BUILD_DIR, "server", "main.js")])];
    const child = track(spawn(process.execPath, args, { cwd: ROOT, env: full, stdio: ["ignore", "pipe", "pipe"] }));
    const server = new BenchServer(new ServerProc(port, child), dir);
    loopbackUrl("the bench's server", server.http);
    try {
      await server.proc.ready(30_000);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  cpuMs(): number {
    return cpuMs(this.pid);
  }

  rssKB(): number {
    return rssKB(this.pid);
  }

  /** The server's process.memoryUsage() right after a full GC (started with memoryProbe), within 5 s. */
  async memoryUsage(): Promise<NodeJS.MemoryUsage | undefined> {
    const child = this.proc.child;
    return new Promise((resolve) => {
      let text = "";
      const onData = (chunk: Buffer) => {
        text += chunk.toString();
        const line = /COSTMEM (\{.*\})\n/.exec(text)?.[1];
        if (!line) return;
        done(JSON.parse(line) as NodeJS.MemoryUsage);
      };
      const timer = setTimeout(() => done(undefined), 5000);
      const done = (v: NodeJS.MemoryUsage | undefined) => {
        clearTimeout(timer);
        child.stderr!.off("data", onData);
        resolve(v);
      };
      child.stderr!.on("data", onData);
      child.kill("SIGUSR2");
    });
  }

  /** Warn-or-worse lines the server logged, by message. */
  logProblems(): Record<string, number> {
    return this.proc.logMessages;
  }

  /** SIGKILL (nothing of a bench server is worth a drain) and its temporary directory removed. */
  async stop(): Promise<void> {
    this.proc.stopping = true;
    if (!this.proc.exited) {
      this.proc.child.kill("SIGKILL");
      await exitWithin(this.proc.child, 5000);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
