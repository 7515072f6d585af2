/**
 * The command line of the classroom run (classroom.ts): G class games of P players at once,
 * each driven by its host. Every problem is a UsageError (support/args.ts: exit code 2).
 */
import { deckLangs } from "../../../content/decks";
import { DIRECTIONS, MODES, type Direction, type Mode } from "../../../rooms/word-duel/messages";
import { number, oneOf, readFlags, UsageError } from "../../support/args";
import { parseServerEnv, SERVER_CMDS } from "../options";

export const USAGE = `usage: npm run loadtest -- --scenario classroom [--games 20] [--players 50] [--rounds 10]
  [--servers 1] [--shards 2] [--ramp 20] [--lang es] [--mode choice|typed] [--direction en-target|target-en]
  [--accuracy 0.8] [--think 1500] [--reveal 3000] [--auto] [--fast] [--server-env KEY=VALUE]…
  [--server-cmd js|tsx] [--max-errors 0] [--timeout 300] [--json FILE]
  (also: npm run loadtest:classroom -- …)`;

/** Above this a run is not a classroom any more (and CLASS_MAX_PLAYERS stops at 500). */
const MAX_PLAYERS = 500;
/** Every phone and host is one WebSocket from 127.0.0.1, under `ulimit -n` (20,000 here) per process. */
const MAX_SOCKETS = 15_000;

export interface ClassroomOptions {
  games: number;
  players: number;
  rounds: number;
  /** Server processes to spawn; more than one forms a cluster on Redis. */
  servers: number;
  shards: number;
  /** Seconds over which every player joins (interleaved: player i of every game, then i + 1). */
  rampS: number;
  lang: string;
  mode: Mode;
  direction: Direction;
  accuracy: number;
  thinkMs: number;
  /** How long the host shows each reveal before pressing next (ignored with --auto). */
  revealMs: number;
  /** The games advance by themselves (autoAdvance; the server's DUEL_REVEAL_MS). */
  auto: boolean;
  /** Spawned servers: countdown 500 ms, reveal (auto) 500 ms. */
  fast: boolean;
  serverEnv: Record<string, string>;
  serverCmd: (typeof SERVER_CMDS)[number];
  maxErrors: number;
  /** Seconds the games get, from the first join to the last podium, before the run gives up on them. */
  timeoutS: number;
  json?: string;
}

const FLAGS = {
  scenario: { type: "string" }, games: { type: "string" }, players: { type: "string" }, rounds: { type: "string" },
  servers: { type: "string" }, shards: { type: "string" }, ramp: { type: "string" }, lang: { type: "string" },
  mode: { type: "string" }, direction: { type: "string" }, accuracy: { type: "string" }, think: { type: "string" },
  reveal: { type: "string" }, auto: { type: "boolean" }, fast: { type: "boolean" }, "server-env": { type: "string", multiple: true },
  "server-cmd": { type: "string" }, "max-errors": { type: "string" }, timeout: { type: "string" }, json: { type: "string" },
} as const;

export function parseClassroomOptions(argv: string[]): ClassroomOptions {
  const values = readFlags(argv, FLAGS);
  if (values.scenario !== undefined && values.scenario !== "classroom") throw new UsageError(`this program runs --scenario classroom only (got "${values.scenario}")`);
  const games = number("games", values.games, 20, 1, 200);
  const players = number("players", values.players, 50, 1, MAX_PLAYERS);
  const opts: ClassroomOptions = {
    games,
    players,
    rounds: number("rounds", values.rounds, 10, 1, 30),
    servers: number("servers", values.servers, 1, 1, 8),
    shards: number("shards", values.shards, 2, 1, 16),
    rampS: number("ramp", values.ramp, 20, 0, 300, false),
    lang: oneOf("lang", values.lang, "es", deckLangs()),
    mode: oneOf("mode", values.mode, "choice", MODES),
    direction: oneOf("direction", values.direction, "en-target", DIRECTIONS),
    accuracy: number("accuracy", values.accuracy, 0.8, 0, 1, false),
    thinkMs: number("think", values.think, 1500, 0, 60_000),
    revealMs: number("reveal", values.reveal, 3000, 0, 60_000),
    auto: values.auto ?? false,
    fast: values.fast ?? false,
    serverEnv: parseServerEnv(values["server-env"] ?? []),
    serverCmd: oneOf("server-cmd", values["server-cmd"], "js", SERVER_CMDS),
    maxErrors: number("max-errors", values["max-errors"], 0, 0, 1e9),
    timeoutS: number("timeout", values.timeout, 300, 10, 1800),
    json: values.json,
  };
  const sockets = games * (players + 1);
  const perShard = Math.ceil(games / Math.min(opts.shards, games)) * (players + 1);
  if (perShard > MAX_SOCKETS || Math.ceil(sockets / opts.servers) > MAX_SOCKETS) throw new UsageError(`${sockets} WebSockets (${perShard} in one bot process) is more than a process here can hold (${MAX_SOCKETS}): add shards or servers`);
  return opts;
}

/** Whether a command line asks the load harness for the classroom (harness.ts hands it over). */
export function wantsClassroom(argv: string[]): boolean {
  return argv.some((a, i) => a === "--scenario=classroom" || (a === "--scenario" && argv[i + 1] === "classroom"));
}
