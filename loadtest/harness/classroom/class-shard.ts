/**
 * A bot process of the classroom run (forked by classroom.ts with an IPC channel; not meant
 * to be run by hand): it plays whole games, each host beside its players (the PIN never
 * crosses processes), and reports every second, then once with everything it measured.
 *
 * Protocol: run → shard `configure`, `start`, `stop` (the run's timeout: games still going
 * are given up); shard → run `ready` (modules and decks loaded), `tick` every second from
 * `start`, and `final` once every game is over (or stopped), after which it exits. It exits
 * by itself when the run goes away (IPC disconnect).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { LinguaLeapError } from "../../../client-sdk";
import { countRoomSockets } from "../../bench/cost-wire";
import { preloadAnswers } from "../../learner/answers";
import { seededRng } from "../../support/rng";
import { ClassMetrics, playGame, type GameOutcome, type GamePlan, type PlayOptions } from "./class-game-bots";

export interface ClassShardConfig {
  shard: number;
  games: GamePlan[];
  play: PlayOptions;
}

export type ToClassShard = { type: "configure"; config: ClassShardConfig } | { type: "start" } | { type: "stop" };

export interface ClassTick {
  type: "tick";
  ccu: number;
  joined: number;
  answers: number;
  /** answer→patch samples since the last tick. */
  answerPatch: number[];
  errors: number;
  started: number;
  finished: number;
  loopDelayP99Ms: number;
}

export type FromClassShard = { type: "ready" } | ClassTick | { type: "final"; games: GameOutcome[]; metrics: ClassMetrics; maxLoopDelayP99Ms: number };

const LOOP_RESOLUTION_MS = 10;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
const metrics = new ClassMetrics();
const outcomes: GameOutcome[] = [];
let sentSamples = 0;
let maxLoopDelay = 0;
let stopRequested: () => void = () => undefined;
const stopped = new Promise<void>((resolve) => (stopRequested = resolve));

function send(message: FromClassShard): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
}

function tick(): void {
  const lag = Math.round(Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS) * 100) / 100;
  loopDelay.reset();
  maxLoopDelay = Math.max(maxLoopDelay, lag);
  const answerPatch = metrics.answerPatch.slice(sentSamples);
  sentSamples = metrics.answerPatch.length;
  const errors = Object.values(metrics.errors).reduce((a, b) => a + b, 0);
  void send({ type: "tick", ccu: metrics.ccu, joined: metrics.join.length, answers: metrics.answers.sent, answerPatch, errors, started: metrics.started, finished: outcomes.filter((o) => o.finished).length, loopDelayP99Ms: lag });
}

async function start(config: ClassShardConfig): Promise<void> {
  loopDelay.enable();
  const ticker = setInterval(tick, 1000);
  const rng = seededRng(1000 + config.shard);
  await Promise.all(config.games.map(async (plan) => outcomes.push(await playGame(plan, config.play, metrics, rng, stopped))));
  clearInterval(ticker);
  tick();
  await send({ type: "final", games: outcomes, metrics, maxLoopDelayP99Ms: maxLoopDelay });
  process.exit(0);
}

// Nothing is dropped silently: a stray exception or rejection counts as an error of the run.
process.on("uncaughtException", (err) => metrics.error(new LinguaLeapError("UNCAUGHT_EXCEPTION", err.stack ?? String(err))));
process.on("unhandledRejection", (err) => metrics.error(new LinguaLeapError("UNHANDLED_REJECTION", err instanceof Error ? (err.stack ?? err.message) : String(err))));
// colyseus.js reports a room message nobody listens for with console.warn, and drops it.
console.warn = (...args: unknown[]) => {
  const text = args.map(String).join(" ");
  metrics.error(new LinguaLeapError(/onMessage\(\) not registered/.test(text) ? "SDK_UNHANDLED_MESSAGE" : "SDK_WARNING", text));
};
process.on("disconnect", () => process.exit(1));
process.on("SIGINT", () => undefined);

if (!process.send) {
  process.stderr.write("loadtest/harness/classroom/class-shard.ts is started by the classroom run (npm run loadtest -- --scenario classroom)\n");
  process.exit(2);
}
let config: ClassShardConfig | undefined;
let running = false;
process.on("message", (m: ToClassShard) => {
  if (m.type === "configure" && !config) {
    config = m.config;
    preloadAnswers();
    countRoomSockets();
    void send({ type: "ready" });
  } else if (m.type === "start" && config && !running) {
    running = true;
    void start(config);
  } else if (m.type === "stop") {
    if (running) stopRequested();
    else process.exit(0);
  }
});
