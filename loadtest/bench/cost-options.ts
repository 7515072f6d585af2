/** The cost bench's command line (support/args.ts: strict, usage errors exit 2, --help). */
import { number, oneOf, parseOrExit, readFlags, UsageError } from "../support/args";
import { parseServerEnv } from "../harness/options";
import type { ServerCmd } from "./cost-server";

export const SECTIONS = ["floor", "answers", "bytes", "memory", "idle", "joins"] as const;
export type Section = (typeof SECTIONS)[number];

export interface CostOptions {
  only: Section[];
  json?: string;
  serverCmd: ServerCmd;
  /** floor: sockets, and echoed messages in all. */
  clients: number;
  messages: number;
  /** answers and bytes: duels at once (two learners each). */
  duels: number;
  /** answers: pairs of runs (2 and 30 rounds); the median pair is the figure. */
  repeats: number;
  /** memory: learners connected (two per duel). */
  learners: number;
  /** idle: rooms waiting, one learner each, and the seconds their CPU is read over. */
  rooms: number;
  idleSeconds: number;
  /** joins: learners, and cycles of reserve → take → leave. */
  joiners: number;
  cycles: number;
  /** Sign-ins and joins in flight at once (memory, idle, joins). */
  concurrency: number;
  /** Every phase (seating, play, echoes) stops after this long. */
  budgetMs: number;
  /** More settings for every server the bench starts (--server-env KEY=VALUE, as the harness takes them). */
  serverEnv: Record<string, string>;
}

export const USAGE = `usage: npm run bench:cost -- [options]
  --only LIST        sections, comma-separated: ${SECTIONS.join(",")} (default all)
  --json FILE        also write every figure as JSON
  --server-cmd CMD   build (default: the server compiled once per run into .tmp/loadtest-build/<pid>, plain node) or tsx (node --import tsx server/main.ts)
  --clients C        floor: echo clients (400)
  --messages M       floor: echoed messages in all (200000)
  --duels D          answers, bytes: duels at once, two learners each (200)
  --repeat R         answers: pairs of runs (2 and 30 rounds), the median is shown (3)
  --learners N       memory: connected learners, two per duel (10000, even)
  --rooms R          idle: rooms each waiting with one learner (5000)
  --idle-s S         idle: seconds of CPU read over the waiting rooms (10)
  --joiners J       joins: learners going in and out of duels (2000, even)
  --cycles C        joins: rounds of reserve → take → leave, the median is shown (3)
  --concurrency K    sign-ins and joins in flight at once (200)
  --budget-s S       each phase stops after S s (90); the whole bench stops by itself
  --server-env K=V   another server setting for every server it starts (repeatable), e.g. WS_PING_INTERVAL_MS=0`;

/** The bench's options from `argv`, or the usage and exit 2 (exit 0 for --help). */
export function costOptions(argv: string[]): CostOptions {
  return parseOrExit("bench:cost", USAGE, () => {
    const f = readFlags(argv, {
      only: { type: "string" },
      json: { type: "string" },
      "server-cmd": { type: "string" },
      clients: { type: "string" },
      messages: { type: "string" },
      duels: { type: "string" },
      repeat: { type: "string" },
      learners: { type: "string" },
      rooms: { type: "string" },
      "idle-s": { type: "string" },
      joiners: { type: "string" },
      cycles: { type: "string" },
      concurrency: { type: "string" },
      "budget-s": { type: "string" },
      "server-env": { type: "string", multiple: true },
    });
    const only = f.only === undefined ? [...SECTIONS] : f.only.split(",").map((s) => s.trim()).filter((s) => s !== "");
    const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
    if (only.length === 0 || unknown.length > 0) throw new UsageError(`--only takes sections among ${SECTIONS.join(", ")} (got "${f.only}")`);
    if (f.json !== undefined && f.json.trim() === "") throw new UsageError("--json needs a file name");
    const learners = number("learners", f.learners, 10_000, 2, 16_000);
    if (learners % 2 !== 0) throw new UsageError(`--learners must be even: two per duel (got ${learners})`);
    const joiners = number("joiners", f.joiners, 2000, 2, 16_000);
    if (joiners % 2 !== 0) throw new UsageError(`--joiners must be even: two per duel (got ${joiners})`);
    return {
      only: SECTIONS.filter((s) => only.includes(s)),
      json: f.json,
      serverCmd: oneOf<ServerCmd>("server-cmd", f["server-cmd"], "build", ["build", "tsx"]),
      clients: number("clients", f.clients, 400, 1, 5000),
      messages: number("messages", f.messages, 200_000, 1, 10_000_000),
      duels: number("duels", f.duels, 200, 1, 2000),
      repeats: number("repeat", f.repeat, 3, 1, 9),
      learners,
      rooms: number("rooms", f.rooms, 5000, 1, 16_000),
      idleSeconds: number("idle-s", f["idle-s"], 10, 1, 60),
      joiners,
      cycles: number("cycles", f.cycles, 3, 1, 9),
      concurrency: number("concurrency", f.concurrency, 200, 1, 1000),
      budgetMs: number("budget-s", f["budget-s"], 90, 5, 600) * 1000,
      serverEnv: parseServerEnv((f["server-env"] as string[] | undefined) ?? []),
    };
  });
}
