/**
 * A bot worker of harness.ts (forked with an IPC channel; not meant to be run by hand). It
 * runs its share of learners and reports every second: how many hold a WebSocket (CCU), the
 * metrics collected since the last report, and its own event-loop delay (a busy load
 * generator inflates every latency it measures).
 *
 * Protocol: harness → shard `configure`, then `start` (sent to every shard at once) and
 * `stop`; shard → harness `ready` (modules and decks loaded, after `configure`), `tick` every
 * second from `start`, and a last `tick` with `final: true` before it exits.
 * It exits by itself when the harness goes away (IPC disconnect). With `lean` it runs
 * LeanLearners (the wire spoken directly, learner/LeanLearner.ts) instead of SDK learners.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { preloadAnswers } from "../learner/answers";
import { LeanLearner } from "../learner/LeanLearner";
import { Learner } from "../learner/Learner";
import type { LearnerOptions, LearnerState } from "../learner/options";
import { Metrics, type MetricsDelta } from "../learner/metrics";

export interface ShardBot {
  /** Global bot number (names and endpoints follow it). */
  index: number;
  endpoint: string;
  /** Delay from `start` (the ramp). */
  startAfterMs: number;
}

export interface ShardConfig {
  shard: number;
  bots: ShardBot[];
  learner: Omit<LearnerOptions, "endpoint" | "name" | "signal" | "rng">;
  /** Run LeanLearners (casual only) instead of SDK learners. */
  lean: boolean;
  /** How long learners get to leave their rooms after `stop`. */
  stopGraceMs: number;
}

export type ToShard = { type: "configure"; config: ShardConfig } | { type: "start" } | { type: "stop" };

export type FromShard =
  | { type: "ready" }
  | { type: "tick"; ccu: number; started: number; delta: MetricsDelta; loopDelayP99Ms: number; final: boolean };

const TICK_MS = 1000;

/** What the shard needs of a learner, SDK or lean. */
interface ShardLearner {
  readonly state: LearnerState;
  readonly connected: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const metrics = new Metrics();
const learners: ShardLearner[] = [];
const startTimers: NodeJS.Timeout[] = [];
const LOOP_RESOLUTION_MS = 10;
/** Its samples are whole timer intervals (about the resolution when idle): the lag is the excess. */
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
let ticker: NodeJS.Timeout | undefined;
let stopping = false;

function send(message: FromShard): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
}

function tick(final: boolean): Promise<void> {
  const ccu = learners.reduce((n, l) => n + (l.connected ? 1 : 0), 0);
  const loopDelayP99Ms = Math.round(Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100;
  loopDelay.reset();
  return send({ type: "tick", ccu, started: learners.length, delta: metrics.drain(), loopDelayP99Ms, final });
}

function start(config: ShardConfig): void {
  loopDelay.enable();
  for (const bot of config.bots) {
    startTimers.push(
      setTimeout(() => {
        if (stopping) return;
        const opts: LearnerOptions = { ...config.learner, endpoint: bot.endpoint, name: `lt${bot.index}` };
        const learner = config.lean ? new LeanLearner(opts, metrics) : new Learner(opts, metrics);
        learners.push(learner);
        void learner.start();
      }, bot.startAfterMs),
    );
  }
  ticker = setInterval(() => void tick(false), TICK_MS);
}

/** Stops every learner (they leave their rooms), reports the last figures and exits. */
async function finish(graceMs: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const t of startTimers) clearTimeout(t);
  clearInterval(ticker);
  const stopped = Promise.allSettled(learners.map((l) => l.stop()));
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise((r) => (timer = setTimeout(r, graceMs)));
  const stuck = await Promise.race([stopped.then(() => 0), grace.then(() => learners.filter((l) => l.state !== "idle").length)]);
  clearTimeout(timer);
  if (stuck > 0) metrics.error("LOADTEST_STOP_TIMEOUT", `${stuck} learners had not left within ${graceMs} ms of stop`, "duringStop");
  await tick(true);
  // Open sockets of learners that never finished leaving would keep the process alive.
  process.exit(0);
}

// Nothing is dropped silently: a stray exception or rejection counts as an error of the run.
process.on("uncaughtException", (err) => metrics.error("UNCAUGHT_EXCEPTION", err.stack ?? String(err), stopping ? "duringStop" : "errors"));
process.on("unhandledRejection", (err) => metrics.error("UNHANDLED_REJECTION", err instanceof Error ? (err.stack ?? err.message) : String(err), stopping ? "duringStop" : "errors"));
// colyseus.js reports a room message nobody listens for with console.warn, and drops it (a
// `matched` arriving right behind `queued` in one socket read is lost that way): an error too.
console.warn = (...args: unknown[]) => {
  const text = args.map(String).join(" ");
  const code = /onMessage\(\) not registered/.test(text) ? "SDK_UNHANDLED_MESSAGE" : "SDK_WARNING";
  metrics.error(code, text, stopping ? "duringStop" : "errors");
};
process.on("disconnect", () => process.exit(1));
// Ctrl-C in the terminal reaches the whole process group; the harness decides when to stop.
process.on("SIGINT", () => undefined);

if (!process.send) {
  process.stderr.write("loadtest/harness/shard.ts is started by loadtest/harness/harness.ts (npm run loadtest)\n");
  process.exit(2);
}
let config: ShardConfig | undefined;
process.on("message", (m: ToShard) => {
  if (m.type === "configure" && !config) {
    config = m.config;
    preloadAnswers();
    void send({ type: "ready" });
  } else if (m.type === "start" && config && !ticker) {
    start(config);
  } else if (m.type === "stop") {
    if (config && ticker) void finish(config.stopGraceMs);
    else process.exit(0);
  }
});
