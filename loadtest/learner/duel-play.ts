/**
 * A simulated learner playing one duel: it answers every round after its think time (never
 * past the round's end), measures answer → patch latency (from sending the answer to the
 * first state patch showing its own `answered` flag for that round), and leaves once the
 * duel has a result, closes, or the learner is stopped.
 */
import { performance } from "node:perf_hooks";
import { LinguaLeapError, type DuelSession, type DuelView } from "../../client-sdk";
import type { DuelEvents } from "../../client-sdk/DuelSession";
import type { LearnerSink } from "./metrics";

/** An answer is sent at least this long before the round's end (the server's clock is ours). */
const ANSWER_MARGIN_MS = 150;
/** Leaving a room waits at most this long for the server to close it. */
const LEAVE_TIMEOUT_MS = 10_000;

type Round = DuelEvents["round"];

/** What a duel being played needs from its learner. */
export interface DuelPlayer {
  sink: LearnerSink;
  /** Aborted when the learner is stopped: it then leaves the duel. */
  signal: AbortSignal;
  /** Counts an error once, in the bucket it belongs to. */
  count(err: unknown): void;
  thinkTime(): number;
  pickAnswer(r: Round): { text: string; right: boolean };
  /** The duel is over and left: the learner is idle again. */
  ended(): void;
}

/** Leaves a duel, waiting at most LEAVE_TIMEOUT_MS for the server. */
export async function leaveDuel(duel: DuelSession, count: (err: unknown) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), LEAVE_TIMEOUT_MS)));
  try {
    const outcome = await Promise.race([duel.leave().then(() => "left" as const), timeout]);
    if (outcome === "timeout") count(new LinguaLeapError("LOADTEST_LEAVE_TIMEOUT", `the server did not close the duel within ${LEAVE_TIMEOUT_MS} ms of leaving`));
  } catch (err) {
    count(err);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Plays a duel to its end (result, close, or stop) and leaves it. `casualSeatedAt` marks a
 * casual duel, where the queue wait is the time until an opponent arrives.
 */
export function playDuel(duel: DuelSession, player: DuelPlayer, casualSeatedAt?: number): Promise<void> {
  return new Promise<void>((resolve) => new DuelPlay(duel, player, resolve, casualSeatedAt).start());
}

class DuelPlay {
  private readonly timers = new Set<NodeJS.Timeout>();
  private pending: { round: number; sentAt: number } | undefined;
  private waitingForOpponent: boolean;
  private leaving = false;
  private over = false;
  private offs: (() => void)[] = [];

  constructor(
    private readonly duel: DuelSession,
    private readonly player: DuelPlayer,
    private readonly resolve: () => void,
    private readonly casualSeatedAt?: number,
  ) {
    this.waitingForOpponent = casualSeatedAt !== undefined;
  }

  start(): void {
    const { duel, player } = this;
    this.offs = [
      duel.on("state", this.onState),
      duel.on("round", this.onRound),
      duel.on("result", (r) => {
        // After stop, results are forfeits caused by the stop itself: not part of the run.
        if (!player.signal.aborted) player.sink.duelCompleted(r.matchId);
        this.leaveNow();
      }),
      duel.on("error", (e) => player.count(e)),
      duel.on("reconnecting", ({ attempt }) => player.count(new LinguaLeapError("DUEL_RECONNECTING", `the duel's connection dropped; reconnecting (attempt ${attempt})`))),
      duel.on("closed", ({ code, error }) => {
        if (error) player.count(error);
        else if (!this.leaving) player.count(new LinguaLeapError("LOADTEST_DUEL_CLOSED", `the server closed the duel (code ${code}) before its result`));
        this.finish();
      }),
    ];
    if (player.signal.aborted) return this.leaveNow();
    player.signal.addEventListener("abort", this.leaveNow, { once: true });
    // The first state may already be here (listeners attach a tick after the seat is taken).
    const view = duel.view;
    if (view) {
      this.onState(view);
      if (view.phase === "round") this.onRound({ round: view.round, prompt: view.prompt, choices: view.choices, roundEndsAt: view.phaseEndsAt, roundMs: view.roundMs });
    }
  }

  private finish(): void {
    if (this.over) return;
    this.over = true;
    for (const off of this.offs) off();
    for (const t of this.timers) clearTimeout(t);
    this.player.signal.removeEventListener("abort", this.leaveNow);
    this.player.ended();
    this.resolve();
  }

  private readonly leaveNow = (): void => {
    if (this.leaving) return;
    this.leaving = true;
    void leaveDuel(this.duel, (err) => this.player.count(err)).finally(() => this.finish());
  };

  private readonly onState = (view: DuelView): void => {
    const { sink } = this.player;
    if (this.waitingForOpponent && view.phase !== "waiting") {
      this.waitingForOpponent = false;
      sink.sample("queueWait", performance.now() - this.casualSeatedAt!);
      sink.paired();
    }
    const pending = this.pending;
    if (pending && view.round === pending.round && view.players.some((p) => p.sessionId === this.duel.sessionId && p.answered)) {
      sink.sample("answerPatch", performance.now() - pending.sentAt);
      this.pending = undefined;
    }
  };

  /** Schedules the answer of a round after the think time, never past the round's end. */
  private readonly onRound = (r: Round): void => {
    const remaining = r.roundEndsAt - Date.now();
    if (remaining <= 0) {
      this.player.count(new LinguaLeapError("LOADTEST_ROUND_OVER", `round ${r.round} was already over when it reached the learner (${-remaining} ms late)`));
      return;
    }
    const delay = Math.min(this.player.thinkTime(), Math.max(0, remaining - ANSWER_MARGIN_MS));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.answer(r);
    }, delay);
    this.timers.add(timer);
  };

  private answer(r: Round): void {
    const view = this.duel.view;
    // The round may have closed early (the opponent forfeited): nothing to answer.
    if (this.over || this.leaving || view?.phase !== "round" || view.round !== r.round) return;
    const { text, right } = this.player.pickAnswer(r);
    this.pending = { round: r.round, sentAt: performance.now() };
    this.player.sink.answerSent(right);
    this.duel.answer(text).then(
      () => this.player.sink.answerAccepted(),
      (err) => this.player.count(err),
    );
  }
}
