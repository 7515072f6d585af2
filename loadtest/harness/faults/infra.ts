/**
 * The services a fault-injection run (faults.ts) starts, owns and breaks, all on 127.0.0.1:
 *
 * - {@link OwnRedis}: a `redis-server` of the run's own on a free port with AOF (`appendfsync
 *   always`) in a temporary directory; killed with SIGKILL and started again on the same port
 *   with the same directory, so the pending-results stream comes back from the AOF. The
 *   machine's Redis (6379) is never touched.
 * - {@link OwnMongo}: `.tools/ferretdb` (support/ferretdb-process.ts) behind a TCP proxy
 *   (support/TcpProxy.ts) that the game processes connect through; cutting the proxy
 *   resets every connection and refuses new ones, as a database that went away.
 *
 * The game processes it breaks: GameSlot.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { exitWithin, hasExited, ROOT, track } from "../../support/children";
import { startFerretDb, type FerretDbProcess } from "../../support/ferretdb-process";
import { freePort } from "../../support/ports";
import { TcpProxy } from "../../support/TcpProxy";

/** Milliseconds since the run's clock started (set by faults.ts at the start of play). */
export const clock = { t0: Date.now(), now: () => Date.now() - clock.t0 };

/** Resolves true once `redis-server` on `port` answers PING with PONG (not LOADING). */
function redisPong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) => {
      reply += d.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

/** A redis-server of the run's own (AOF on, every write fsynced). */
export class OwnRedis {
  private child?: ChildProcess;
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly logPath: string,
  ) {}

  static async start(dir: string, logPath: string): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(), dir, logPath);
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  get running(): boolean {
    return this.child !== undefined && !hasExited(this.child);
  }

  /** Starts it (again) on its port with its directory; resolves once it answers PING. */
  async up(timeoutMs = 20_000): Promise<void> {
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--appendonly", "yes", "--appendfsync", "always", "--dir", this.dir, "--save", "", "--daemonize", "no"];
    const out = fs.openSync(this.logPath, "a");
    this.child = track(spawn("redis-server", args, { stdio: ["ignore", out, out] }));
    fs.closeSync(out);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`redis-server on port ${this.port} exited while starting (see ${this.logPath})`);
      if (await redisPong(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not answer PING within ${timeoutMs} ms`);
  }

  /** SIGKILL: Redis is gone at once, as in a crash (AOF keeps what was acknowledged). */
  async kill(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill("SIGKILL");
    await exitWithin(this.child, 5000);
  }

  async stop(): Promise<void> {
    if (!this.child || !this.running) return;
    this.child.kill("SIGTERM");
    if (!(await exitWithin(this.child, 5000))) this.child.kill("SIGKILL");
  }
}

/** FerretDB behind a TCP proxy that can be cut. */
export class OwnMongo {
  private constructor(
    private readonly ferret: FerretDbProcess,
    private readonly proxy: TcpProxy,
  ) {}

  static async start(): Promise<OwnMongo> {
    const binary = path.join(ROOT, ".tools", "ferretdb");
    if (!fs.existsSync(binary)) throw new Error(".tools/ferretdb is missing: run `bash test/infra/ensure-ferretdb.sh` (needs Go) to build it");
    let ferret: FerretDbProcess | undefined;
    process.once("exit", () => ferret?.killNow());
    ferret = await startFerretDb({ binary, dirPrefix: "lingualeap-faults-ferretdb-", readyTimeoutMs: 30_000, onSpawn: (f) => (ferret = f) });
    const proxy = new TcpProxy({ host: "127.0.0.1", port: Number(new URL(ferret.url).port) });
    await proxy.start();
    return new OwnMongo(ferret, proxy);
  }

  /** What the game processes use: through the proxy. */
  get proxiedUrl(): string {
    return `mongodb://127.0.0.1:${this.proxy.port}/`;
  }

  /** What the check uses: FerretDB itself. */
  get directUrl(): string {
    return this.ferret.url;
  }

  cut(): Promise<void> {
    return this.proxy.cut();
  }

  restore(): Promise<void> {
    return this.proxy.restore();
  }

  async stop(): Promise<void> {
    await this.proxy.stop().catch(() => undefined);
    await this.ferret.stop();
  }
}
