/**
 * The game server of the cost bench: compiled once per run as the harness compiles its
 * servers (harness/servers.ts serverArgs: as production runs it) or run through tsx
 * (`--server-cmd tsx`), in a
 * child process on a free 127.0.0.1 port with the loopback environment of every load program
 * (support/server-env.ts) plus the settings of one section; and its CPU and memory, from /proc.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { serverArgs, ServerProc } from "../harness/servers";
import { exitWithin, ROOT, track } from "../support/children";
import { loopbackUrl } from "../support/loopback";
import { freePort } from "../support/ports";
import { loopbackServerEnv } from "../support/server-env";
import { CLK_TCK, readProc } from "../harness/procs";

/** How the server is started: the compiled build (production's way) or tsx. */
export type ServerCmd = "build" | "tsx";

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

/** utime + stime of a process, in ms (harness/procs.ts reads /proc). */
export function cpuMs(pid: number): number {
  return ((readProc(pid)?.cpuTicks ?? NaN) * 1000) / CLK_TCK;
}

/** VmRSS of a process, in KB. */
export function rssKB(pid: number): number {
  return (readProc(pid)?.rssMB ?? NaN) * 1024;
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
    const args = [...(opts.memoryProbe ? ["--expose-gc", "--import", MEMORY_PROBE] : []), ...(await serverArgs(cmd === "build" ? "js" : "tsx"))];
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
