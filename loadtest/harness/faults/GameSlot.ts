/**
 * One game process of a fault-injection run (faults.ts), {@link GameSlot}: the compiled server
 * (`node <build>/server/main.js`, built once per run by ../servers.ts serverArgs) on a fixed
 * port, which can be killed, drained and started again on that port; its whole output goes
 * to a log file, and its warn/error lines and the cluster/outbox/store lines are kept with
 * times. {@link gameEnv}: the environment every game process of the run gets.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { loopbackServerEnv } from "../../support/server-env";
import { exitWithin, ROOT, track } from "../../support/children";
import { ServerProc, serverArgs } from "../servers";
import { clock } from "./infra";

/**
 * Server log lines worth keeping, one entry per message (and error text) of a process: when it
 * came first and last (epoch ms; the report puts them on the run's clock), how often, its level.
 */
export interface LogLine {
  t: number;
  last: number;
  n: number;
  port: number;
  level: number;
  msg: string;
  detail?: string;
}

/** Info lines kept besides warn and error: what the cluster, the outbox and the store say. */
const KEPT_INFO = /cluster|outbox|store|redis|drain|shutting|heartbeat|dead letter|listening/i;
/** Distinct messages kept per process (each counted however often it comes). */
const MAX_KEPT_MESSAGES = 300;

/** One game process slot: a fixed port, any number of lives. */
export class GameSlot {
  proc?: ServerProc;
  lives = 0;
  readonly lines: LogLine[] = [];
  private readonly byKey = new Map<string, LogLine>();
  /** Exits nobody asked for (not a kill9/sigterm fault, not the end of the run). */
  readonly crashes: string[] = [];
  /** Colyseus process ids this slot had (one per life), from its "cluster: joined" line: id → life. */
  readonly processIds = new Map<string, number>();
  /** Every exit, asked for or not, with its code (a drain that fails exits 1). */
  readonly exits: { t: number; life: number; code: number | null; signal: string | null; asked: boolean }[] = [];
  private partial = "";

  constructor(
    readonly index: number,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    readonly logPath: string,
  ) {}

  get http(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** SHUTDOWN_GRACE_MS of the process: how long a drain may take. */
  get graceMs(): number {
    return Number(this.env.SHUTDOWN_GRACE_MS);
  }

  get up(): boolean {
    return this.proc !== undefined && !this.proc.exited;
  }

  /** Starts a new life on the slot's port; resolves once /readyz answers (its time in ms). */
  async start(timeoutMs = 45_000): Promise<number> {
    const args = await serverArgs("js");
    const started = Date.now();
    const child = track(spawn(process.execPath, args, { cwd: ROOT, env: this.env, stdio: ["ignore", "pipe", "pipe"] }));
    const proc = new ServerProc(this.port, child);
    this.proc = proc;
    this.lives++;
    const file = fs.createWriteStream(this.logPath, { flags: "a" });
    file.write(`--- life ${this.lives}, pid ${child.pid}, at ${clock.now()} ms on the run's clock\n`);
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.on("data", (chunk: Buffer) => {
        file.write(chunk);
        this.keep(chunk.toString());
      });
    }
    const life = this.lives;
    child.once("exit", (code, signal) => {
      file.end(`--- exited (code ${code}, signal ${signal}) at ${clock.now()} ms\n`);
      this.exits.push({ t: clock.now(), life, code, signal, asked: proc.stopping });
      if (!proc.stopping) this.crashes.push(`process ${this.index} (port ${this.port}, life ${this.lives}) exited by itself at ${clock.now()} ms (code ${code}, signal ${signal})`);
    });
    await proc.ready(timeoutMs);
    return Date.now() - started;
  }

  /** kill -9; resolves once it is gone. */
  async kill9(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exited) return;
    proc.stopping = true;
    proc.child.kill("SIGKILL");
    await exitWithin(proc.child, 5000);
  }

  /** SIGTERM (a drain); resolves true once it has exited, false if still running after `waitMs` (then SIGKILL). */
  async sigterm(waitMs: number): Promise<boolean> {
    const proc = this.proc;
    if (!proc || proc.exited) return true;
    proc.stopping = true;
    proc.child.kill("SIGTERM");
    if (await exitWithin(proc.child, waitMs)) return true;
    proc.child.kill("SIGKILL");
    await exitWithin(proc.child, 3000);
    return false;
  }

  /** The end of the run: SIGTERM (learners have left), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    await this.sigterm(10_000);
  }

  private keep(text: string): void {
    const lines = (this.partial + text).split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) {
      let entry: { level?: number; msg?: string; err?: { message?: string } | string; time?: number; processId?: string };
      try {
        entry = JSON.parse(line);
      } catch {
        // Raw stderr (Node's warnings, a stack printed outside the logger): its first line only.
        if (/^\S/.test(line) && !/^[}\]]/.test(line)) this.count(Date.now(), 50, `(stderr) ${line.slice(0, 190)}`);
        continue;
      }
      if (entry.processId && entry.msg?.startsWith("cluster: joined")) this.processIds.set(entry.processId, this.lives);
      const level = entry.level ?? 30;
      if (level < 30 || (level < 40 && !KEPT_INFO.test(entry.msg ?? ""))) continue;
      const detail = typeof entry.err === "string" ? entry.err : entry.err?.message;
      this.count(typeof entry.time === "number" ? entry.time : Date.now(), level, (entry.msg ?? "?").slice(0, 200), detail?.split("\n")[0].slice(0, 200));
    }
  }

  private count(t: number, level: number, msg: string, detail?: string): void {
    const key = `${msg}\u0000${detail ?? ""}`;
    const seen = this.byKey.get(key);
    if (seen) {
      seen.n++;
      seen.last = t;
      return;
    }
    if (this.byKey.size >= MAX_KEPT_MESSAGES) return;
    const line: LogLine = { t, last: t, n: 1, port: this.port, level, msg, detail };
    this.byKey.set(key, line);
    this.lines.push(line);
  }
}

/** What every game process of the run shares and what each gets of its own. */
export interface GameEnvShared {
  redisUrl: string;
  mongoUrl: string;
  jwtSecret: string;
  admin: { user: string; password: string };
  dataDir: string;
  rounds: number;
  logLevel: string;
  serverEnv: Record<string, string>;
}

/** Short phases and a grace long enough for a whole duel; none of the caller's settings leak in. */
export function gameEnv(shared: GameEnvShared, port: number): NodeJS.ProcessEnv {
  return {
    ...loopbackServerEnv(port, shared.jwtSecret, shared.logLevel),
    REDIS_URL: shared.redisUrl,
    MONGODB_URL: shared.mongoUrl,
    MONGODB_DB: "lingualeap_faults",
    ADMIN_USER: shared.admin.user,
    ADMIN_PASSWORD: shared.admin.password,
    ADMIN_AUTH_FAILURES_PER_HOUR: "100000",
    // Same port, same files: a restarted process finds what its last life left.
    OUTBOX_PATH: path.join(shared.dataDir, "outbox-{port}.jsonl"),
    DEAD_LETTER_PATH: path.join(shared.dataDir, "dead-letter-{port}.jsonl"),
    DUEL_ROUNDS: String(shared.rounds),
    DUEL_COUNTDOWN_MS: "0",
    DUEL_REVEAL_MS: "300",
    DUEL_CHOICE_ROUND_MS: "6000",
    DUEL_TYPED_ROUND_MS: "8000",
    DUEL_FINISHED_LINGER_MS: "500",
    SHUTDOWN_GRACE_MS: String(Math.max(30_000, shared.rounds * 9_000)),
    ...shared.serverEnv,
  };
}
