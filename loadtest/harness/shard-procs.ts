/**
 * The harness's side of its bot processes (shard.ts): forking them, following what they
 * report, and splitting the bots between them.
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { hasExited, ROOT, track } from "../support/children";
import type { HarnessOptions } from "./options";
import { ProcWatch } from "./procs";
import type { FromShard, ShardBot, ToShard } from "./shard";

/** One forked shard: its latest figures, and whether it reported its last ones. */
export class ShardProc {
  readonly watch: ProcWatch;
  ccu = 0;
  started = 0;
  loopDelayP99Ms = 0;
  /** The largest event-loop delay p99 it reported (one-second windows). */
  maxLoopDelayP99Ms = 0;
  gotFinal = false;
  stopping = false;
  readonly ready: Promise<void>;

  constructor(
    readonly index: number,
    readonly child: ChildProcess,
    onDelta: (m: Extract<FromShard, { type: "tick" }>) => void,
  ) {
    this.watch = new ProcWatch(child.pid!);
    this.ready = new Promise((resolve, reject) => {
      child.on("message", (m: FromShard) => {
        if (m.type === "ready") return resolve();
        this.ccu = m.ccu;
        this.started = m.started;
        this.loopDelayP99Ms = m.loopDelayP99Ms;
        this.maxLoopDelayP99Ms = Math.max(this.maxLoopDelayP99Ms, m.loopDelayP99Ms);
        if (m.final) this.gotFinal = true;
        onDelta(m);
      });
      child.once("exit", (code) => reject(new Error(`shard ${index} exited (code ${code}) before it was ready`)));
    });
    this.ready.catch(() => undefined);
  }

  get exited(): boolean {
    return hasExited(this.child);
  }

  send(message: ToShard): void {
    if (this.child.connected) this.child.send(message);
  }
}

export function forkShard(index: number, onDelta: ConstructorParameters<typeof ShardProc>[2]): ShardProc {
  const child = track(fork(path.join(__dirname, "shard.ts"), [], { cwd: ROOT, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  return new ShardProc(index, child, onDelta);
}

/**
 * Contiguous blocks of bots per shard, so every shard talks to every server (bot i → server
 * i % N); each block's starts are spread over the whole ramp, so every shard signs in and
 * joins its share at the same pace instead of the first shard taking the ramp's first part.
 */
export function planShards(opts: HarnessOptions, endpoints: string[], shardCount: number): ShardBot[][] {
  const plan: ShardBot[][] = Array.from({ length: shardCount }, () => []);
  const firstOf = (shard: number) => Math.ceil((shard * opts.bots) / shardCount);
  for (let i = 0; i < opts.bots; i++) {
    const shard = Math.floor((i * shardCount) / opts.bots);
    const size = firstOf(shard + 1) - firstOf(shard);
    const startAfterMs = Math.round((opts.rampS * 1000 * (i - firstOf(shard))) / size);
    plan[shard].push({ index: i, endpoint: endpoints[i % endpoints.length], startAfterMs });
  }
  return plan;
}
