/**
 * What a learner receives per round: D 10-round choice duels on one server (countdown and
 * reveal 0, rounds that close when both have answered, so nothing depends on timing), played
 * by raw colyseus.js learners, then by the product's SDK (`LinguaLeapClient.joinDuel`, its
 * `state` events, `answer`). Counted at the `ws` WebSocket (cost-wire.ts) from the room's
 * upgrade to the duel's result: data frames by Colyseus code and message type, with their
 * frame headers; control frames (the transport's pings, every 3 s: time, not play) apart;
 * and the matchmaking request's HTTP answer apart.
 */
import { LinguaLeapClient, type DuelSession } from "../../client-sdk";
import { withTimeout } from "../support/children";
import { DUEL_OPTIONS, joinPairs, seatPairs } from "./cost-answers";
import { choose, DuelEnd, headerBytesOf, inPool, learnerName, type HttpBytes } from "./cost-learner";
import { BenchServer, type ServerCmd } from "./cost-server";
import { sum, wireOf, type Tally, type WireCount } from "./cost-wire";
import { note } from "./measure";

export const BYTES_ROUNDS = 10;

/** Per learner per round, in bytes (frames: per learner per round too). */
export interface ByteFigures {
  learners: number;
  rounds: number;
  /** Data frames (payload + header), per learner per round. */
  perRound: Tally;
  byCode: Record<string, Tally>;
  byType: Record<string, Tally>;
  /** Control frames until the result, per learner per duel (not per round: they follow the clock). */
  controlPerDuel: Tally;
  /** The matchmaking answer, per learner. */
  matchmake: HttpBytes;
  /** Frame arithmetic checked against the bytes the sockets read: learners whose totals agree. */
  rawCheck: { agree: number; of: number };
  problems: string[];
}

/** One SDK learner: answers every round as soon as it opens, right or wrong. */
class SdkLearner {
  duel?: DuelSession;
  readonly client: LinguaLeapClient;
  http: HttpBytes = { headers: 0, body: 0 };
  end = new DuelEnd(() => this.duel && wireOf(this.duel.sessionId));
  problems: string[] = [];
  private answered = 0;

  constructor(
    base: string,
    readonly right: boolean,
  ) {
    const counting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (String(input instanceof Request ? input.url : input).includes("/matchmake/")) {
        this.http = { headers: headerBytesOf(res), body: (await res.clone().arrayBuffer()).byteLength };
      }
      return res;
    };
    this.client = new LinguaLeapClient(base, { fetch: counting });
  }

  async join(): Promise<DuelSession> {
    const duel = (this.duel = await this.client.joinDuel({ ...DUEL_OPTIONS }));
    duel.on("state", (v) => this.onState(v));
    duel.on("result", () => this.end.sawResult());
    duel.on("closed", () => this.end.closed());
    if (duel.view) this.onState(duel.view);
    return duel;
  }

  private onState(v: NonNullable<DuelSession["view"]>): void {
    if (v.phase === "finished") return this.end.sawFinished();
    if (v.phase !== "round" || v.round === this.answered) return;
    this.answered = v.round;
    const text = choose(v.lang, v.direction, v.prompt, v.choices, this.right);
    if (text === undefined) this.problems.push(`no answer found for "${v.prompt}"`);
    // The SDK's own acknowledgement of the answer may change with the wire: not waited for.
    this.duel!.answer(text ?? v.choices[0] ?? "").catch(() => undefined);
  }
}

function figures(wires: WireCount[], rounds: number, http: HttpBytes[], problems: string[]): ByteFigures {
  const n = wires.length;
  const per = (t: Tally, by: number): Tally => ({ frames: t.frames / by, bytes: t.bytes / by });
  const merge = (pick: (w: WireCount) => Record<string, Tally>) => {
    const out: Record<string, Tally> = {};
    for (const w of wires) for (const [k, t] of Object.entries(pick(w))) out[k] = sum([out[k] ?? { frames: 0, bytes: 0 }, t]);
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, per(t, rounds)]));
  };
  return {
    learners: n,
    rounds: rounds / n,
    perRound: per(sum(wires.map((w) => w.data)), rounds),
    byCode: merge((w) => w.byCode),
    byType: merge((w) => w.byType),
    controlPerDuel: per(sum(wires.map((w) => w.control)), n),
    matchmake: { headers: http.reduce((a, h) => a + h.headers, 0) / n, body: http.reduce((a, h) => a + h.body, 0) / n },
    rawCheck: { agree: wires.filter((w) => w.rawBytes === w.whole.bytes).length, of: n },
    problems: problems.slice(0, 5),
  };
}

async function rawBytes(http: string, duels: number, concurrency: number, budgetMs: number): Promise<ByteFigures> {
  const learners = await seatPairs(http, duels, concurrency);
  for (const l of learners) l.release();
  await withTimeout(joinPairs(learners), budgetMs, `seating ${duels} duels`);
  await withTimeout(Promise.all(learners.map((l) => l.end.ended)), budgetMs, `${duels} duels (raw learners)`);
  await Promise.all(learners.map((l) => l.leave()));
  const rounds = learners.reduce((n, l) => n + (l.state?.totalRounds ?? 0), 0);
  return figures(learners.map((l) => l.wire!), rounds, learners.map((l) => l.http), learners.flatMap((l) => l.problems));
}

async function sdkBytes(http: string, duels: number, concurrency: number, budgetMs: number): Promise<ByteFigures> {
  const learners = Array.from({ length: duels * 2 }, (_, i) => new SdkLearner(http, i % 2 === 0));
  // Names as wide as the raw learners': a name is in the state, so its length is in the bytes.
  await inPool(learners, concurrency, async (l, i) => void (await l.client.signInAsGuest(learnerName(i))));
  const seat = async () => {
    for (let i = 0; i < learners.length; i += 2) {
      const [a, b] = [await learners[i].join(), await learners[i + 1].join()];
      if (a.roomId !== b.roomId) throw new Error(`SDK pair ${i / 2} was not seated together`);
    }
  };
  await withTimeout(seat(), budgetMs, `seating ${duels} SDK duels`);
  await withTimeout(Promise.all(learners.map((l) => l.end.ended)), budgetMs, `${duels} duels (SDK learners)`);
  await Promise.all(learners.map((l) => withTimeout(l.duel!.leave(), 5000, "leaving").catch(() => undefined)));
  const rounds = learners.reduce((n, l) => n + (l.duel?.view?.totalRounds ?? 0), 0);
  return figures(learners.map((l) => wireOf(l.duel!.sessionId)!), rounds, learners.map((l) => l.http), learners.flatMap((l) => l.problems));
}

/** Raw learners, then SDK learners, on one server of 10-round duels. */
export async function runBytes(cmd: ServerCmd, duels: number, concurrency: number, budgetMs: number): Promise<{ raw: ByteFigures; sdk: ByteFigures }> {
  const server = await BenchServer.start(cmd, { DUEL_ROUNDS: String(BYTES_ROUNDS) });
  try {
    const raw = await rawBytes(server.http, duels, concurrency, budgetMs);
    note(`  bytes: raw learners ${raw.perRound.bytes.toFixed(0)} B per round`);
    const sdk = await sdkBytes(server.http, duels, concurrency, budgetMs);
    note(`  bytes: SDK learners ${sdk.perRound.bytes.toFixed(0)} B per round`);
    return { raw, sdk };
  } finally {
    await server.stop();
  }
}
