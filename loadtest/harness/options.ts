/**
 * The command line of the load harness (harness.ts): its options, their checks and the usage
 * text. Every problem is a UsageError (support/args.ts: exit code 2).
 */
import { deckLangs } from "../../content/decks";
import { DIRECTIONS, MODES } from "../../rooms/word-duel/messages";
import { CONFIG_KEYS } from "../../server/config";
import { SCENARIOS, type LearnerOptions } from "../learner/options";
import { number, oneOf, readFlags, UsageError } from "../support/args";
import { loopbackUrl } from "../support/loopback";

/**
 * SDK learners cost about as much CPU each as the server spends on them, so past a few
 * thousand the load generator, not the server, is what a run measures.
 */
const MAX_BOTS = 5000;
/**
 * Lean learners (--lean) cost a fraction of that. Each holds one WebSocket from 127.0.0.1 to
 * the server, so the bots share the ephemeral ports (32768–60999: about 28,000) with the
 * sockets that closed a moment ago, and every connection is a descriptor on both sides.
 */
const MAX_LEAN_BOTS = 20_000;
/** Per process: bots of one shard, or WebSockets of one spawned server, under `ulimit -n` (20,000 here) with room for the rest. */
const MAX_SOCKETS_PER_PROCESS = 15_000;
const MAX_DURATION_S = 600;

export const USAGE = `usage: npm run loadtest -- [--servers N | --endpoint http://127.0.0.1:PORT[,…]] [--bots 100] [--shards 2]
  [--duration 30] [--ramp 5] [--scenario ranked|casual|pairing|classroom] [--lang es] [--mode choice|typed]
  [--direction en-target|target-en] [--accuracy 0.8] [--think 1500] [--fast] [--rounds N]
  [--server-env KEY=VALUE]… [--server-cmd js|tsx] [--max-errors 0] [--json FILE]`;

/** How spawned servers run: the compiled build (scripts/build.mjs, once per run) or tsx on the sources. */
export const SERVER_CMDS = ["js", "tsx"] as const;

/** The harness's options; what every learner plays comes straight from its own options. */
export interface HarnessOptions extends Pick<LearnerOptions, "scenario" | "lang" | "mode" | "direction" | "accuracy" | "thinkMs"> {
  /** Server processes to spawn (0 when --endpoint is given). */
  servers: number;
  /** Running servers to use instead (HTTP bases). */
  endpoints: string[];
  bots: number;
  shards: number;
  durationS: number;
  rampS: number;
  fast: boolean;
  rounds?: number;
  serverEnv: Record<string, string>;
  serverCmd: (typeof SERVER_CMDS)[number];
  maxErrors: number;
  json?: string;
  /** Shards run LeanLearners (learner/LeanLearner.ts; casual only). */
  lean: boolean;
}

/** HTTP bases of running servers; loopback only. */
function parseEndpoints(raw: string): string[] {
  return raw.split(",").map((s) => {
    const url = loopbackUrl("--endpoint", s);
    if (url.protocol !== "http:") throw new UsageError(`--endpoint: "${s}" must be http:// (the SDK's base)`);
    return `${url.protocol}//${url.host}`;
  });
}

/**
 * Settings a run owns: where the servers listen and which Redis, MongoDB, secret and files
 * they use. A --server-env for one of them could send a run off loopback or onto data that
 * is not its own, so it is refused.
 */
const RUN_OWNED = new Set(["HOST", "PORT", "PUBLIC_ADDRESS", "REDIS_URL", "REDIS_SENTINELS", "MONGODB_URL", "MONGODB_DB", "JWT_SECRET", "OUTBOX_PATH", "DEAD_LETTER_PATH"]);

/** --server-env KEY=VALUE pairs (keys of server/config.ts but those the run owns); the fault run takes them too. */
export function parseServerEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = pair.slice(0, eq);
    if (eq < 1 || !(key in CONFIG_KEYS)) throw new UsageError(`--server-env: "${pair}" must be KEY=VALUE with a key of server/config.ts`);
    if (RUN_OWNED.has(key)) throw new UsageError(`--server-env: ${key} is set by the run itself (its servers stay on loopback, on data of their own)`);
    env[key] = pair.slice(eq + 1);
  }
  return env;
}

const FLAGS = {
  servers: { type: "string" }, endpoint: { type: "string" }, bots: { type: "string" }, shards: { type: "string" },
  duration: { type: "string" }, ramp: { type: "string" }, scenario: { type: "string" }, lang: { type: "string" },
  mode: { type: "string" }, direction: { type: "string" }, accuracy: { type: "string" }, think: { type: "string" },
  fast: { type: "boolean" }, rounds: { type: "string" }, "server-env": { type: "string", multiple: true },
  "max-errors": { type: "string" }, json: { type: "string" }, lean: { type: "boolean" },
  "server-cmd": { type: "string" },
} as const;

export function parseOptions(argv: string[]): HarnessOptions {
  const values = readFlags(argv, FLAGS);
  if (values.endpoint !== undefined && values.servers !== undefined) throw new UsageError("give either --servers or --endpoint, not both");
  const endpoints = values.endpoint !== undefined ? parseEndpoints(values.endpoint) : [];
  const durationS = number("duration", values.duration, 30, 1, MAX_DURATION_S);
  const lean = values.lean ?? false;
  const opts: HarnessOptions = {
    servers: endpoints.length > 0 ? 0 : number("servers", values.servers, 1, 1, 8),
    endpoints,
    bots: number("bots", values.bots, 100, 1, lean ? MAX_LEAN_BOTS : MAX_BOTS),
    shards: number("shards", values.shards, 2, 1, 16),
    durationS,
    rampS: number("ramp", values.ramp, Math.min(5, Math.floor(durationS / 3)), 0, durationS, false),
    scenario: oneOf("scenario", values.scenario, "ranked", SCENARIOS),
    lang: oneOf("lang", values.lang, "es", deckLangs()),
    mode: oneOf("mode", values.mode, "choice", MODES),
    direction: oneOf("direction", values.direction, "en-target", DIRECTIONS),
    accuracy: number("accuracy", values.accuracy, 0.8, 0, 1, false),
    thinkMs: number("think", values.think, 1500, 0, 60_000),
    fast: values.fast ?? false,
    rounds: values.rounds === undefined ? undefined : number("rounds", values.rounds, 10, 1, 30),
    serverEnv: parseServerEnv(values["server-env"] ?? []),
    serverCmd: oneOf("server-cmd", values["server-cmd"], "js", SERVER_CMDS),
    maxErrors: number("max-errors", values["max-errors"], 0, 0, 1e9),
    json: values.json,
    lean,
  };
  if (opts.endpoints.length > 0 && (opts.fast || opts.rounds !== undefined || Object.keys(opts.serverEnv).length > 0 || values["server-cmd"] !== undefined)) {
    throw new UsageError("--fast, --rounds, --server-env and --server-cmd configure spawned servers: they do not apply with --endpoint");
  }
  checkLean(opts);
  return opts;
}

/** --lean plays casual duels only, and no process may hold more sockets than it can open. */
function checkLean(opts: HarnessOptions): void {
  if (opts.lean && opts.scenario !== "casual") throw new UsageError(`--lean plays --scenario casual only (not ${opts.scenario})`);
  const perShard = Math.ceil(opts.bots / Math.min(opts.shards, opts.bots));
  if (perShard > MAX_SOCKETS_PER_PROCESS) throw new UsageError(`--bots ${opts.bots} on --shards ${opts.shards} is ${perShard} sockets per bot process: at most ${MAX_SOCKETS_PER_PROCESS}; add shards`);
  const perServer = Math.ceil(opts.bots / Math.max(1, opts.servers));
  if (opts.servers > 0 && perServer > MAX_SOCKETS_PER_PROCESS) throw new UsageError(`--bots ${opts.bots} on --servers ${opts.servers} is ${perServer} WebSockets per server process: at most ${MAX_SOCKETS_PER_PROCESS}`);
}
