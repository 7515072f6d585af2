/**
 * The command line of the fault-injection run (faults.ts): its options, the fault schedule's
 * syntax, their checks and the usage text. Every problem is a UsageError (support/args.ts:
 * exit code 2).
 *
 * A schedule is a comma-separated list of faults, each `<kind>@<start s>[+<length s>][/<process>]`:
 *
 *   kill9@15/1        kill -9 game process 1 at 15 s, restart it at once on the same port
 *   sigterm@45/0      SIGTERM game process 0 at 45 s (a drain), restart it once it has exited
 *   redis@80+25       kill Redis at 80 s, start it again 25 s later (same port, same AOF dir)
 *   mongo@120+20      cut the TCP proxy in front of FerretDB at 120 s, restore it 20 s later
 *
 * Times count from the start of play. Faults run one at a time, in order of their start.
 */
import { number, oneOf, readFlags, UsageError } from "../../support/args";
import { parseServerEnv } from "../options";

export type FaultKind = "kill9" | "sigterm" | "redis" | "mongo";
export type Scenario = "casual" | "ranked" | "mixed";

export interface FaultSpec {
  kind: FaultKind;
  /** Seconds from the start of play. */
  atS: number;
  /** redis / mongo: how long the piece stays away. */
  forS: number;
  /** kill9 / sigterm: the game process (0-based). */
  proc: number;
  /** As written on the command line (the report's label). */
  label: string;
}

export interface FaultOptions {
  servers: number;
  learners: number;
  scenario: Scenario;
  /** The whole run, start-up to report. */
  durationS: number;
  /** Time allowed after play for pending results to reach MongoDB. */
  drainS: number;
  faults: FaultSpec[];
  thinkMs: number;
  restMs: number;
  accuracy: number;
  rounds: number;
  serverEnv: Record<string, string>;
  logLevel: string;
  json?: string;
  keepLogs: boolean;
}

export const DEFAULT_FAULTS = "kill9@15/1,sigterm@45/0,redis@80+25,mongo@120+20";
/** Start-up (Redis, FerretDB, game processes), wind-down and the database check: not play. */
export const RESERVED_S = { startup: 35, windDown: 15, check: 10 } as const;

export const USAGE = `usage: npm run loadtest:faults -- [--servers 3] [--learners 120] [--scenario mixed|casual|ranked]
  [--duration 270] [--drain 60] [--faults "${DEFAULT_FAULTS}"]
  [--think 1500] [--rest 60000] [--accuracy 0.8] [--rounds 3] [--server-env KEY=VALUE]…
  [--log-level info] [--json FILE] [--keep-logs]
faults: <kind>@<start s>[+<length s>][/<process>], kind kill9|sigterm (process) or redis|mongo (length);
play lasts --duration − ${RESERVED_S.startup + RESERVED_S.windDown + RESERVED_S.check} s − --drain; times count from the start of play.`;

/** One fault of the schedule, e.g. `redis@80+25` or `kill9@15/1`. */
function parseFault(text: string, servers: number): FaultSpec {
  const m = /^(kill9|sigterm|redis|mongo)@(\d+(?:\.\d+)?)(?:\+(\d+(?:\.\d+)?))?(?:\/(\d+))?$/.exec(text.trim());
  if (!m) throw new UsageError(`--faults: "${text}" is not <kind>@<start s>[+<length s>][/<process>] (kinds: kill9, sigterm, redis, mongo)`);
  const kind = m[1] as FaultKind;
  const onProcess = kind === "kill9" || kind === "sigterm";
  if (onProcess && m[3] !== undefined) throw new UsageError(`--faults: "${text}": ${kind} has no length (the process is restarted as soon as it can be)`);
  if (!onProcess && m[4] !== undefined) throw new UsageError(`--faults: "${text}": ${kind} takes no process`);
  const proc = Number(m[4] ?? 0);
  if (proc >= servers) throw new UsageError(`--faults: "${text}": there are only ${servers} game processes (0–${servers - 1})`);
  const forS = onProcess ? 0 : Number(m[3] ?? (kind === "redis" ? 25 : 20));
  if (!onProcess && (forS < 1 || forS > 300)) throw new UsageError(`--faults: "${text}": a length from 1 to 300 s`);
  return { kind, atS: Number(m[2]), forS, proc, label: text.trim() };
}

const FLAGS = {
  servers: { type: "string" }, learners: { type: "string" }, scenario: { type: "string" }, duration: { type: "string" },
  drain: { type: "string" }, faults: { type: "string" }, think: { type: "string" }, rest: { type: "string" },
  accuracy: { type: "string" }, rounds: { type: "string" }, "server-env": { type: "string", multiple: true },
  "log-level": { type: "string" }, json: { type: "string" }, "keep-logs": { type: "boolean" },
} as const;

/** Seconds of play the options leave. */
export function playSeconds(opts: Pick<FaultOptions, "durationS" | "drainS">): number {
  return opts.durationS - RESERVED_S.startup - RESERVED_S.windDown - RESERVED_S.check - opts.drainS;
}

export function parseFaultOptions(argv: string[]): FaultOptions {
  const values = readFlags(argv, FLAGS);
  const servers = number("servers", values.servers, 3, 2, 4);
  const opts: FaultOptions = {
    servers,
    learners: number("learners", values.learners, 120, 2, 1000),
    scenario: oneOf("scenario", values.scenario, "mixed", ["mixed", "casual", "ranked"] as const),
    durationS: number("duration", values.duration, 270, 90, 900),
    drainS: number("drain", values.drain, 60, 5, 300),
    faults: (values.faults ?? DEFAULT_FAULTS).split(",").filter((s) => s.trim() !== "").map((s) => parseFault(s, servers)),
    thinkMs: number("think", values.think, 1500, 0, 20_000),
    restMs: number("rest", values.rest, 60_000, 0, 600_000),
    accuracy: number("accuracy", values.accuracy, 0.8, 0, 1, false),
    rounds: number("rounds", values.rounds, 3, 1, 10),
    serverEnv: parseServerEnv(values["server-env"] ?? []),
    logLevel: oneOf("log-level", values["log-level"], "info", ["warn", "info", "debug"] as const),
    json: values.json,
    keepLogs: values["keep-logs"] ?? false,
  };
  opts.faults.sort((a, b) => a.atS - b.atS);
  const playS = playSeconds(opts);
  if (playS < 30) throw new UsageError(`--duration ${opts.durationS} with --drain ${opts.drainS} leaves ${playS} s of play: at least 30`);
  for (const f of opts.faults) {
    if (f.atS + f.forS > playS - 10) throw new UsageError(`--faults: "${f.label}" ends at ${f.atS + f.forS} s, but play lasts ${playS} s (a fault must end 10 s before play does)`);
  }
  return opts;
}
