/**
 * The LinguaLeap learner as a script for @colyseus/loadtest (its terminal UI; for headless,
 * bounded runs with a report use `npm run loadtest`, harness/harness.ts).
 *
 *   npx tsx loadtest/learner/bot.ts --endpoint ws://127.0.0.1:2567 --room ranked_queue --numClients 50
 *   npx tsx loadtest/learner/bot.ts --endpoint ws://127.0.0.1:2567 --room word_duel --numClients 20 --delay 50 \
 *     --lang fr --mode typed --accuracy 0.6 --think 2500 --output /tmp/bot.log
 *
 * @colyseus/loadtest's own options: --endpoint (ws:// base; turned into the http:// base the
 * SDK takes), --room, --numClients, --delay (ms between starting two clients), --output (log
 * file). It calls `main` for one client after the other and waits for each call, so `main`
 * returns once its learner is in a queue or a duel and the learner plays on in the background.
 *
 * --room picks the scenario: ranked_queue → ranked (queue, play, queue again), word_duel →
 * casual (joinDuel). --scenario pairing (with --room ranked_queue) leaves each duel as soon as
 * it is seated. A bad learner option or --room stops the script before the tool starts (its
 * usage, exit code 2). Learner options, as flags or environment variables (flags win):
 *   --lang / LL_LANG (es)  --mode / LL_MODE (choice|typed)  --direction / LL_DIRECTION (en-target|target-en)
 *   --accuracy / LL_ACCURACY (0.8)  --think / LL_THINK_MS (1500, mean think time in ms)  --scenario / LL_SCENARIO
 *
 * The tool draws its UI on a TTY and never exits by itself: press q or Ctrl-C. It also exits 0
 * when connections fail; read the "failed" counter and the log. Against a default server,
 * every bot comes from 127.0.0.1 and shares one address's limits (30 sign-ins a minute, 200
 * guests a day, …): start the server with the per-address limits raised, as loadtest/README.md
 * shows (SINGLE_ADDRESS_LIMITS in server/config.ts lists them).
 */
import { cli, type Options } from "@colyseus/loadtest";
import { DIRECTIONS, MODES } from "../../rooms/word-duel/messages";
import { number, oneOf, parseOrExit, readKnownFlags, UsageError } from "../support/args";
import { loopbackUrl } from "../support/loopback";
import { formatSummary, summarize } from "../support/stats";
import { Learner } from "./Learner";
import { SCENARIOS, type LearnerOptions } from "./options";
import { Metrics, sum, Totals } from "./metrics";

const REPORT_EVERY_MS = 5000;

const USAGE = `usage: npx tsx loadtest/learner/bot.ts --endpoint ws://127.0.0.1:2567 --room ranked_queue|word_duel [--numClients 1]
  [--delay 0] [--output FILE] [--scenario ranked|casual|pairing] [--lang es] [--mode choice|typed]
  [--direction en-target|target-en] [--accuracy 0.8] [--think 1500]
learner options also as LL_SCENARIO, LL_LANG, LL_MODE, LL_DIRECTION, LL_ACCURACY, LL_THINK_MS (flags win);
the other flags are @colyseus/loadtest's (its --help lists them)`;

/** This script's flags; every other one is @colyseus/loadtest's. */
const FLAGS = {
  room: { type: "string" }, roomId: { type: "string" }, help: { type: "boolean" }, endpoint: { type: "string" },
  lang: { type: "string" }, mode: { type: "string" }, direction: { type: "string" }, accuracy: { type: "string" }, think: { type: "string" }, scenario: { type: "string" },
} as const;

type Learning = Omit<LearnerOptions, "endpoint" | "name">;

/** Learner options from flags or the environment (flags win); the scenario goes with --room. */
function readLearnerOptions(values: ReturnType<typeof readKnownFlags<typeof FLAGS>>): Learning {
  const pick = (flag: keyof typeof FLAGS, env: string) => {
    const v = values[flag] ?? process.env[env];
    return v === undefined ? undefined : String(v);
  };
  const room = values.room === undefined ? undefined : String(values.room);
  if (room !== "ranked_queue" && room !== "word_duel") throw new UsageError(`--room must be ranked_queue or word_duel (got "${room ?? ""}"; --roomId is not supported)`);
  const scenario = oneOf("scenario", pick("scenario", "LL_SCENARIO"), room === "word_duel" ? "casual" : "ranked", SCENARIOS);
  if ((scenario === "casual") !== (room === "word_duel")) throw new UsageError(`--scenario ${scenario} does not go with --room ${room}`);
  // The tool's own option, read here too: bot learners only ever play against this machine.
  if (values.endpoint !== undefined) loopbackUrl("--endpoint", httpBase(String(values.endpoint)));
  return {
    scenario,
    lang: pick("lang", "LL_LANG") ?? "es",
    mode: oneOf("mode", pick("mode", "LL_MODE"), "choice", MODES),
    direction: oneOf("direction", pick("direction", "LL_DIRECTION"), "en-target", DIRECTIONS),
    accuracy: number("accuracy", pick("accuracy", "LL_ACCURACY"), 0.8, 0, 1, false),
    thinkMs: number("think", pick("think", "LL_THINK_MS"), 1500, 0, Infinity, false),
  };
}

const flags = readKnownFlags(process.argv.slice(2), FLAGS);
/** Read once, before the tool starts; its own --help, and a missing --room, are the tool's to answer. */
const learning: Learning | undefined =
  flags.help || (flags.room === undefined && flags.roomId === undefined) ? undefined : parseOrExit("bot", USAGE, () => readLearnerOptions(flags));

/** ws://host:port → http://host:port (wss → https): the SDK takes the HTTP base. */
export function httpBase(endpoint: string): string {
  return endpoint.replace(/^ws(s?):\/\//, "http$1://").replace(/\/+$/, "");
}

const metrics = new Metrics();
const totals = new Totals();
let reporter: NodeJS.Timeout | undefined;

/** Every few seconds, one line in the tool's log box (its console.log). */
function report(): void {
  totals.merge(metrics.drain());
  const ap = summarize(totals.samples.answerPatch);
  const join = summarize(totals.samples.join);
  console.log(
    `paired ${totals.paired}, duels ${totals.matchIds.size}, answers ${totals.answersSent}, ` +
      `answer→patch p50/p99 ${formatSummary(ap, ["p50", "p99"])}, join p99 ${formatSummary(join, ["p99"])}, ` +
      `errors ${sum(totals.errors.errors)} ${JSON.stringify(totals.errors.errors)}`,
  );
}

async function main(options: Options): Promise<void> {
  if (!learning) throw new Error("use --room ranked_queue or --room word_duel (--roomId is not supported)");
  reporter ??= setInterval(report, REPORT_EVERY_MS);
  const learner = new Learner({ ...learning, endpoint: httpBase(options.endpoint), name: `bot${options.clientId}` }, metrics);
  void learner.start();
  try {
    await learner.ready;
  } catch (err) {
    // The tool counts this client as failed; do not let it retry behind the tool's back.
    await learner.stop();
    throw err;
  }
}

cli(main);
