/**
 * Play a word duel in a terminal with the SDK: `npm run play -- --name Ana --lang es`.
 * Run it in two terminals with the same --lang and --mode and the two meet in one duel.
 *
 *   --server     http://127.0.0.1:2567     the game server, or several of a cluster's, comma-separated
 *   --name       Learner                   your display name (a guest account)
 *   --lang       es                        a language on offer (GET /api/languages; one deck per language in content/decks/)
 *   --mode       choice                    choice (type 1–4) or typed
 *   --direction  en-target                 or target-en
 *   --practice   es-food                   practise one lesson alone instead of a duel
 *   --ranked                               a ranked duel: someone of about your rating, or a bot after 8 s
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { LinguaLeapClient, LinguaLeapError, type Direction, type DuelSession, type Mode } from "..";

const { values: args } = parseArgs({
  options: {
    server: { type: "string", default: "http://127.0.0.1:2567" },
    name: { type: "string", default: "Learner" },
    lang: { type: "string", default: "es" },
    mode: { type: "string", default: "choice" },
    direction: { type: "string", default: "en-target" },
    practice: { type: "string" },
    ranked: { type: "boolean", default: false },
  },
});

const out = (line = "") => process.stdout.write(`${line}\n`);

function play(duel: DuelSession): Promise<void> {
  const input = createInterface({ input: process.stdin, output: process.stdout });
  let choices: string[] = [];
  const name = (id: string) => duel.view?.players.find((p) => p.sessionId === id)?.name ?? id;

  duel.on("phase", ({ phase }) => {
    if (phase === "waiting") out("Waiting for an opponent… (run the same command in another terminal)");
    if (phase === "countdown") out(`Opponent found: ${duel.view?.players.map((p) => p.name).join(" vs ")}. Get ready!`);
  });
  duel.on("round", (r) => {
    choices = r.choices;
    const seconds = Math.round((r.roundEndsAt - Date.now()) / 1000);
    out(`\nRound ${r.round}/${duel.view?.totalRounds} — translate: ${r.prompt}   (${seconds}s)`);
    r.choices.forEach((c, i) => out(`  ${i + 1}) ${c}`));
    input.setPrompt("> ");
    input.prompt();
  });
  duel.on("reveal", (r) => {
    out(`Answer: ${r.answer}${r.accepted.length > 1 ? `   (also: ${r.accepted.slice(1).join(", ")})` : ""}`);
    for (const [id, res] of Object.entries(r.results)) {
      const note = res.verdict === "almost" ? ` (almost: ${res.reason === "accent" ? "mind the accents" : "one typo"})` : "";
      out(`  ${name(id)}: ${res.verdict}${note}  +${res.points}`);
    }
  });
  duel.on("error", (e) => out(`! ${e.message}`));
  duel.on("reconnecting", ({ attempt }) => out(`Connection lost — reconnecting (attempt ${attempt})…`));
  duel.on("reconnected", () => out("Back in the duel."));

  input.on("line", (line) => {
    const text = line.trim();
    if (!text || duel.view?.phase !== "round") return;
    const pick = /^[1-4]$/.test(text) && choices.length > 0 ? choices[Number(text) - 1] : text;
    duel.answer(pick).then(() => out("Answer sent."), () => undefined);
  });

  return new Promise((resolve) => {
    duel.on("result", (r) => {
      out("\nFinal scores:");
      for (const s of r.standings) out(`  ${s.name}: ${s.score}${s.forfeited ? " (left)" : ""}`);
      out(r.winner === "" ? "A draw!" : r.winner === duel.sessionId ? "You won!" : `${name(r.winner)} won.`);
      input.close();
      void duel.leave().finally(resolve);
    });
    duel.on("closed", ({ error }) => {
      if (error) out(`The duel ended: ${error.message}`);
      input.close();
      resolve();
    });
  });
}

/** Waits in the ranked queue (Ctrl+C leaves it) until an opponent or a bot is found. */
async function ranked(ll: LinguaLeapClient, options: { lang: string; mode: Mode; direction: Direction }): Promise<DuelSession> {
  const search = await ll.findRankedDuel(options);
  const bot = search.status.botAfterMs ? `; a bot steps in after ${Math.round(search.status.botAfterMs / 1000)} s` : "";
  out(`Looking for a ranked duel at rating ${search.status.rating}${bot}… (Ctrl+C to cancel)`);
  process.once("SIGINT", () => void search.cancel().finally(() => process.exit(130)));
  search.on("matched", (o) => out(`Matched with ${o.name}${o.isBot ? "" : ` (rating ${o.rating})`}.`));
  search.on("requeueing", () => out("Lost the queue's server — queueing again…"));
  return search.duel;
}

async function main(): Promise<void> {
  const ll = new LinguaLeapClient(args.server!.split(","));
  await ll.signInAsGuest(args.name!);
  const options = { lang: args.lang!, mode: args.mode as Mode, direction: args.direction as Direction };
  const duel = args.practice ? await ll.practice({ ...options, lessonId: args.practice }) : args.ranked ? await ranked(ll, options) : await ll.joinDuel(options);
  await play(duel);
  const me = await ll.me();
  out(`XP ${me.xp} · level ${me.level} · streak ${me.streak} day(s)`);
  process.exit(0);
}

main().catch((err) => {
  const message = err instanceof LinguaLeapError ? `${err.message} (${err.code})` : String(err);
  process.stderr.write(`Could not play: ${message}\n`);
  process.exit(1);
});
