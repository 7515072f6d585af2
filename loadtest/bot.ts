/**
 * The LinguaLeap learner as a script for @colyseus/loadtest (its terminal UI; for headless,
 * bounded runs with a report use `npm run loadtest`, harness.ts).
 *
 *   npx tsx loadtest/bot.ts --endpoint ws://127.0.0.1:2567 --room ranked_queue --numClients 50
 *   npx tsx loadtest/bot.ts --endpoint ws://127.0.0.1:2567 --room word_duel --numClients 20 --delay 50 \
 *     --lang fr --mode typed --accuracy 0.6 --think 2500 --output /tmp/bot.log
 *
 * @colyseus/loadtest's own options: --endpoint (ws:// base; turned into the http:// base the
 * SDK takes), --room, --numClients, --delay (ms between starting two clients), --output (log
 * file). It calls `main` for one client after the other and waits for each call, so `main`
 * returns once its learner is in a queue or a duel and the learner plays on in the background.
 *
 * --room picks the scenario: ranked_queue → ranked (queue, play, queue again), word_duel →
 * casual (joinDuel). --scenario pairing (with --room ranked_queue) leaves each duel as soon as
 * it is seated. Learner options, as flags or environment variables (flags win):
 *   --lang / LL_LANG (es)  --mode / LL_MODE (choice|typed)  --direction / LL_DIRECTION (en-target|target-en)
 *   --accuracy / LL_ACCURACY (0.8)  --think / LL_THINK_MS (1500, mean think time in ms)  --scenario / LL_SCENARIO
 *
 * The tool draws its UI on a TTY and never exits by itself: press q or Ctrl-C. It also exits 0
 * when connections fail; read the "failed" counter and the log. Against a default server,
 * every bot comes from 127.0.0.1 and shares one address's limits (30 sign-ins a minute, 200
 * guests a day, …): start the server with the per-address limits raised, as loadtest/README.md
 * shows (SINGLE_ADDRESS_LIMITS in server/config.ts lists them).
 */
import { parseArgs } from "node:util";
import { cli, type Options } from "@colyseus/loadtest";
import { Learner } from "./learner";
import { SCENARIOS, type Direction, type LearnerOptions, type Mode, type Scenario } from "./learner-options";
import { formatSummary, Metrics, summarize, sum, Totals } from "./stats";

const REPORT_EVERY_MS = 5000;

type Learning = Omit<LearnerOptions, "endpoint" | "name">;
let parsed: Learning | undefined;

/** Learner options from flags (unknown flags belong to @colyseus/loadtest) or the environment; read once. */
function learnerOptions(roomName: string): Learning {
  parsed ??= readLearnerOptions(roomName);
  return parsed;
}

function readLearnerOptions(roomName: string): Learning {
  const { values } = parseArgs({
    strict: false,
    options: { lang: { type: "string" }, mode: { type: "string" }, direction: { type: "string" }, accuracy: { type: "string" }, think: { type: "string" }, scenario: { type: "string" } },
  });
  const pick = (flag: string, env: string, fallback: string) => String(values[flag] ?? process.env[env] ?? fallback);
  const scenario = pick("scenario", "LL_SCENARIO", roomName === "word_duel" ? "casual" : "ranked") as Scenario;
  if (!SCENARIOS.includes(scenario)) throw new Error(`--scenario must be one of ${SCENARIOS.join(", ")}`);
  if (roomName !== "ranked_queue" && roomName !== "word_duel") throw new Error(`--room must be ranked_queue or word_duel (got "${roomName}")`);
  if ((scenario === "casual") !== (roomName === "word_duel")) throw new Error(`--scenario ${scenario} does not go with --room ${roomName}`);
  const mode = pick("mode", "LL_MODE", "choice") as Mode;
  const direction = pick("direction", "LL_DIRECTION", "en-target") as Direction;
  const accuracy = Number(pick("accuracy", "LL_ACCURACY", "0.8"));
  const thinkMs = Number(pick("think", "LL_THINK_MS", "1500"));
  if (!["choice", "typed"].includes(mode) || !["en-target", "target-en"].includes(direction)) throw new Error("--mode must be choice|typed and --direction en-target|target-en");
  if (!(accuracy >= 0 && accuracy <= 1) || !(thinkMs >= 0)) throw new Error("--accuracy must be 0–1 and --think a number of ms");
  return { scenario, lang: pick("lang", "LL_LANG", "es"), mode, direction, accuracy, thinkMs };
}

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
  if (!options.roomName) throw new Error("use --room ranked_queue or --room word_duel (--roomId is not supported)");
  reporter ??= setInterval(report, REPORT_EVERY_MS);
  const learner = new Learner({ ...learnerOptions(options.roomName), endpoint: httpBase(options.endpoint), name: `bot${options.clientId}` }, metrics);
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
