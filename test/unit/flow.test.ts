import { strict as assert } from "node:assert";
import {
  afterAnswer, afterForfeit, afterJoin, afterVacate, creatorAfter, departure, endsNow, ENDINGS, finished, mayForfeit, opening, reveal, roundCloses, roundStart, shutdown, startParty, windowClosed,
  type Action, type Effect, type FlowPlayer, type FlowTiming, type PhasePatch,
} from "../../rooms/word-duel/flow.rules";
import type { Phase } from "../../rooms/word-duel/messages";
import { CLOSE_NO_SHOW, CLOSE_SERVER_SHUTDOWN, CLOSE_WAIT_EXPIRED } from "../../rooms/shared/close-codes";

const timing: FlowTiming = {
  countdownMs: 3_000, revealMs: 2_000, finishedLingerMs: 10_000, reconnectSeconds: 20, shutdownGraceMs: 30_000, noShowMs: 15_000, waitingTimeoutMs: 60_000,
};
const ROUND_MS = 10_000;
const player = (answered: boolean, connected = true, forfeited = false): FlowPlayer => ({ answered, connected, forfeited });
const PHASES: Phase[] = ["waiting", "countdown", "round", "reveal", "finished"];

/**
 * The room's side of the flow with a fake clock: plain state, one timer, a grace timer, and
 * a log of what the room would do. It carries out effects as WordDuelRoom does.
 */
class FakeDuel {
  now = 1_000_000;
  state: PhasePatch & { round: number; totalRounds: number; practice: boolean; ranked: boolean } = { phase: "waiting", phaseEndsAt: 0, round: 0, totalRounds: 2, practice: false, ranked: false };
  players: FlowPlayer[] = [];
  over = false;
  shuttingDown = false;
  listed = true;
  timer?: { at: number; then: Action };
  grace?: { at: number; then: Action };
  done: string[] = [];

  constructor(public seats = 2) {}

  run(effects: readonly Effect[]): void {
    for (const e of effects) {
      switch (e.do) {
        case "patch": Object.assign(this.state, e.patch); break;
        case "arm": this.timer = { at: this.now + e.inMs, then: e.then }; break;
        case "grace": this.shuttingDown = true; this.grace = { at: this.now + e.inMs, then: e.then }; break;
        case "listing": this.listed = e.open; break;
        case "start_round":
          for (const p of this.players) p.answered = false;
          this.run(roundStart(e.round, this.now, ROUND_MS));
          break;
        case "close_round": this.done.push(`reveal ${this.state.round}`); this.run(reveal(this.state, this.now, timing)); break;
        case "finish": this.over = true; this.timer = undefined; this.done.push("result"); this.run(finished("a", this.shuttingDown, timing)); break;
        case "end":
          if (!endsNow(e.ending, { phase: this.state.phase, over: this.over })) break;
          this.over = true;
          this.timer = undefined;
          this.done.push(`${e.ending.code} ${e.ending.closeCode}`);
          break;
        case "close": this.done.push("closed"); break;
      }
    }
  }

  join(): void {
    this.players.push(player(false));
    this.run(afterJoin({ phase: this.state.phase, seated: this.players.length, seats: this.seats }, this.now, timing));
  }

  answer(i: number): void {
    this.players[i].answered = true;
    this.run(afterAnswer(this.state.phase, this.players));
  }

  /** Moves the fake clock on, firing the timers that fall due, in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [this.timer, this.grace].filter((t) => t && t.at <= until).sort((a, b) => a!.at - b!.at)[0];
      if (!due) break;
      this.now = due.at;
      if (due === this.timer) this.timer = undefined;
      else this.grace = undefined;
      this.run([due.then]);
    }
    this.now = until;
  }
}

describe("flow: departure (what a leave means in each phase)", () => {
  it("vacates before the first round, holds a dropped seat during play, marks the gone after the end", () => {
    const dropped = (phase: Phase) => departure({ phase, consented: false, kicked: false }, timing);
    assert.deepEqual(PHASES.map(dropped), [
      { do: "vacate" }, { do: "hold_seat", seconds: 20 }, { do: "hold_seat", seconds: 20 }, { do: "hold_seat", seconds: 20 }, { do: "mark_gone" },
    ]);
  });
  it("forfeits at once a player who leaves for good during play: consented, or kicked for flooding", () => {
    for (const leave of [{ consented: true, kicked: false }, { consented: false, kicked: true }]) {
      assert.deepEqual(PHASES.map((phase) => departure({ phase, ...leave }, timing).do), ["vacate", "vacate", "forfeit", "forfeit", "mark_gone"]);
    }
  });
  it("takes no forfeit once the duel is over (its result being saved): the result already settled stays as it is", () => {
    for (const phase of ["round", "reveal"] as const) assert.deepEqual(departure({ phase, consented: true, kicked: false, over: true }, timing), { do: "mark_gone" });
  });
  it("gives the seat back in the countdown: the duel waits (listed again) or, ranked, is called off", () => {
    assert.deepEqual(afterVacate("waiting", false, timing), []);
    assert.deepEqual(afterVacate("countdown", false, timing), [
      { do: "patch", patch: { phase: "waiting", phaseEndsAt: 0 } },
      { do: "arm", inMs: 60_000, then: { do: "end", ending: ENDINGS.waitExpired } },
      { do: "listing", open: true },
    ]);
    assert.deepEqual(afterVacate("countdown", true, timing), [{ do: "patch", patch: { phase: "waiting", phaseEndsAt: 0 } }, { do: "end", ending: ENDINGS.leftBeforeStart }]);
  });
  it("gives up a held seat whose window closed in a duel back to waiting (never played: no result), else forfeits", () => {
    assert.deepEqual(windowClosed("waiting"), { do: "vacate" });
    for (const phase of ["countdown", "round", "reveal"] as const) assert.deepEqual(windowClosed(phase), { do: "forfeit" });
    // Given up in waiting, nothing follows: the duel just waits on.
    assert.deepEqual(afterVacate("waiting", false, timing), []);
  });

  it("lets a player forfeit once, and never after the end", () => {
    assert.equal(mayForfeit("round", { forfeited: false }), true);
    assert.equal(mayForfeit("round", { forfeited: true }), false);
    assert.equal(mayForfeit("finished", { forfeited: false }), false);
    assert.equal(mayForfeit("round", undefined), false);
  });
  it("ends a duel when a forfeit leaves fewer than two (a practice: nobody), else closes the round if the rest answered", () => {
    const left = player(false, false, true);
    assert.deepEqual(afterForfeit({ phase: "round", practice: false, players: [left, player(false)] }), [{ do: "finish" }]);
    assert.deepEqual(afterForfeit({ phase: "round", practice: true, players: [left] }), [{ do: "finish" }]);
    assert.deepEqual(afterForfeit({ phase: "round", practice: false, players: [left, player(true), player(true)] }), [{ do: "close_round" }]);
    assert.deepEqual(afterForfeit({ phase: "round", practice: false, players: [left, player(true), player(false)] }), []);
    assert.deepEqual(afterForfeit({ phase: "reveal", practice: false, players: [left, player(true), player(true)] }), [], "no round to close in the reveal");
  });
});

describe("flow: rounds (when a round closes, what comes next)", () => {
  it("closes a round once every active player answered; a dropped or forfeited player is not waited for", () => {
    assert.equal(roundCloses("round", [player(true), player(false)]), false);
    assert.equal(roundCloses("round", [player(true), player(false, false)]), true);
    assert.equal(roundCloses("round", [player(true), player(false, true, true)]), true);
    assert.equal(roundCloses("round", [player(false, false), player(false, false)]), false, "nobody active: the deadline closes it");
    assert.equal(roundCloses("reveal", [player(true)]), false);
  });
  it("times the countdown, each round and each reveal from `now`", () => {
    assert.deepEqual(afterJoin({ phase: "waiting", seated: 1, seats: 2 }, 5_000, timing), []);
    assert.deepEqual(afterJoin({ phase: "waiting", seated: 2, seats: 2 }, 5_000, timing), [
      { do: "listing", open: false },
      { do: "patch", patch: { phase: "countdown", phaseEndsAt: 8_000 } },
      { do: "arm", inMs: 3_000, then: { do: "start_round", round: 1 } },
    ]);
    assert.deepEqual(afterJoin({ phase: "countdown", seated: 2, seats: 2 }, 5_000, timing), []);
    assert.deepEqual(roundStart(3, 5_000, ROUND_MS), [
      { do: "patch", patch: { phase: "round", round: 3, phaseEndsAt: 15_000 } },
      { do: "arm", inMs: ROUND_MS, then: { do: "close_round" } },
    ]);
    assert.deepEqual(reveal({ round: 3, totalRounds: 10 }, 5_000, timing), [
      { do: "patch", patch: { phase: "reveal", phaseEndsAt: 7_000 } },
      { do: "arm", inMs: 2_000, then: { do: "start_round", round: 4 } },
    ]);
    assert.deepEqual(reveal({ round: 10, totalRounds: 10 }, 5_000, timing)[1], { do: "arm", inMs: 2_000, then: { do: "finish" } });
  });
  it("keeps a finished duel open for its linger, or closes it at once when the server stops", () => {
    assert.deepEqual(finished("a", false, timing), [
      { do: "patch", patch: { phase: "finished", winner: "a", phaseEndsAt: 0 } },
      { do: "arm", inMs: 10_000, then: { do: "close" } },
    ]);
    assert.deepEqual(finished("", true, timing)[1], { do: "arm", inMs: 0, then: { do: "close" } });
  });
  it("plays a duel through on a fake clock: countdown, early and timed-out rounds, reveals, result, close", () => {
    const duel = new FakeDuel();
    const start = duel.now;
    duel.join();
    assert.equal(duel.state.phase, "waiting");
    duel.join();
    assert.deepEqual([duel.state.phase, duel.state.phaseEndsAt, duel.listed], ["countdown", start + 3_000, false]);
    duel.advance(2_999);
    assert.equal(duel.state.phase, "countdown");
    duel.advance(1);
    assert.deepEqual([duel.state.phase, duel.state.round, duel.state.phaseEndsAt], ["round", 1, start + 13_000]);
    duel.advance(4_000);
    duel.answer(0);
    assert.equal(duel.state.phase, "round", "one answer of two");
    duel.answer(1);
    assert.deepEqual([duel.state.phase, duel.state.phaseEndsAt], ["reveal", start + 9_000], "all answered: closed early");
    duel.advance(2_000);
    assert.deepEqual([duel.state.phase, duel.state.round], ["round", 2]);
    duel.advance(ROUND_MS);
    assert.equal(duel.state.phase, "reveal", "nobody answered: closed at the deadline");
    duel.advance(2_000);
    assert.deepEqual([duel.state.phase, duel.done], ["finished", ["reveal 1", "reveal 2", "result"]]);
    duel.advance(9_999);
    assert.deepEqual(duel.done.at(-1), "result");
    duel.advance(1);
    assert.deepEqual(duel.done.at(-1), "closed");
  });
});

describe("flow: endings and shutdown", () => {
  it("starts a duel with its waiting limit: ranked waits noShowMs, open waits waitingTimeoutMs, practice nothing", () => {
    assert.deepEqual(opening({ ranked: true, practice: false }, timing), [{ do: "arm", inMs: 15_000, then: { do: "end", ending: ENDINGS.noShow } }]);
    assert.deepEqual(opening({ ranked: false, practice: false }, timing), [{ do: "arm", inMs: 60_000, then: { do: "end", ending: ENDINGS.waitExpired } }]);
    assert.deepEqual(opening({ ranked: false, practice: true }, timing), []);
  });
  it("applies an ending once, never after the result, and a waiting one only while the duel waits", () => {
    assert.equal(endsNow(ENDINGS.waitExpired, { phase: "waiting", over: false }), true);
    assert.equal(endsNow(ENDINGS.waitExpired, { phase: "countdown", over: false }), false);
    assert.equal(endsNow(ENDINGS.shutdownGraceOver, { phase: "reveal", over: false }), true);
    assert.equal(endsNow(ENDINGS.shutdownGraceOver, { phase: "reveal", over: true }), false, "its result is being kept");
    assert.equal(endsNow(ENDINGS.shutdownGraceOver, { phase: "finished", over: false }), false);
    assert.deepEqual([ENDINGS.waitExpired.closeCode, ENDINGS.noShow.closeCode, ENDINGS.shutdownGraceOver.closeCode], [CLOSE_WAIT_EXPIRED, CLOSE_NO_SHOW, CLOSE_SERVER_SHUTDOWN]);
  });
  it("on shutdown: closes a finished duel now, ends one not started, gives a running one the grace time", () => {
    assert.deepEqual(shutdown("finished", timing), [{ do: "arm", inMs: 0, then: { do: "close" } }]);
    assert.deepEqual(shutdown("waiting", timing), [{ do: "end", ending: ENDINGS.shutdownBeforeStart }]);
    for (const phase of ["countdown", "round", "reveal"] as const) {
      assert.deepEqual(shutdown(phase, timing), [{ do: "grace", inMs: 30_000, then: { do: "end", ending: ENDINGS.shutdownGraceOver } }]);
    }
  });
  it("on a fake clock: a duel that finishes within the grace closes at once; one that outlasts it ends unplayed", () => {
    const quick = new FakeDuel();
    quick.join();
    quick.join();
    quick.advance(3_000);
    quick.run(shutdown(quick.state.phase, timing));
    quick.answer(0);
    quick.answer(1);
    quick.advance(2_000 + ROUND_MS + 2_000);
    assert.deepEqual(quick.done, ["reveal 1", "reveal 2", "result", "closed"], "no linger once the server stops");
    quick.advance(30_000);
    assert.equal(quick.done.length, 4, "the grace timer finds the duel over");

    const slow = new FakeDuel();
    slow.state.totalRounds = 10;
    slow.join();
    slow.join();
    slow.run(shutdown(slow.state.phase, timing));
    slow.advance(29_999);
    assert.equal(slow.over, false);
    slow.advance(1);
    assert.deepEqual([slow.over, slow.done.at(-1), slow.timer], [true, `DUEL_SERVER_SHUTDOWN ${CLOSE_SERVER_SHUTDOWN}`, undefined]);
  });
  it("on a fake clock: the wait limit closes an empty duel, but not one that started meanwhile", () => {
    const empty = new FakeDuel();
    empty.run(opening(empty.state, timing));
    empty.join();
    empty.advance(60_000);
    assert.deepEqual(empty.done, [`DUEL_WAIT_EXPIRED ${CLOSE_WAIT_EXPIRED}`]);

    const reopened = new FakeDuel();
    reopened.run(opening(reopened.state, timing));
    reopened.join();
    reopened.join();
    reopened.advance(1_000);
    reopened.players.pop();
    reopened.run(afterVacate(reopened.state.phase, false, timing));
    assert.deepEqual([reopened.state.phase, reopened.listed], ["waiting", true]);
    reopened.advance(59_999);
    assert.deepEqual(reopened.done, [], "the wait starts again from the vacated seat");
    reopened.advance(1);
    assert.deepEqual(reopened.done, [`DUEL_WAIT_EXPIRED ${CLOSE_WAIT_EXPIRED}`]);
  });

  describe("parties", () => {
    const countdown = [
      { do: "listing", open: false },
      { do: "patch", patch: { phase: "countdown", phaseEndsAt: 8_000 } },
      { do: "arm", inMs: 3_000, then: { do: "start_round", round: 1 } },
    ];
    it("never start by themselves, not even full", () => {
      assert.deepEqual(afterJoin({ phase: "waiting", seated: 8, seats: 8, party: true }, 5_000, timing), []);
      assert.deepEqual(afterJoin({ phase: "waiting", seated: 3, seats: 8, party: true }, 5_000, timing), []);
    });
    it("start when the creator asks with at least three there: the same countdown as a full duel", () => {
      assert.deepEqual(startParty({ party: true, phase: "waiting", fromCreator: true, connected: 3 }, 5_000, timing), { ok: true, effects: countdown });
      assert.deepEqual(startParty({ party: true, phase: "waiting", fromCreator: true, connected: 8 }, 5_000, timing), { ok: true, effects: countdown });
    });
    it("refuse a start from anyone else, with too few, once started, or in a plain duel", () => {
      const code = (d: Parameters<typeof startParty>[0]) => {
        const decision = startParty(d, 5_000, timing);
        return decision.ok ? "ok" : decision.code;
      };
      assert.equal(code({ party: true, phase: "waiting", fromCreator: false, connected: 5 }), "DUEL_NOT_CREATOR");
      assert.equal(code({ party: true, phase: "waiting", fromCreator: true, connected: 2 }), "DUEL_PARTY_TOO_FEW");
      assert.equal(code({ party: true, phase: "countdown", fromCreator: true, connected: 3 }), "DUEL_NOT_STARTABLE");
      assert.equal(code({ party: true, phase: "round", fromCreator: true, connected: 3 }), "DUEL_NOT_STARTABLE");
      assert.equal(code({ party: false, phase: "waiting", fromCreator: true, connected: 2 }), "DUEL_NOT_STARTABLE");
    });
    it("hand the start to the longest-seated of the others when the creator gives up their seat", () => {
      assert.equal(creatorAfter("a", "a", ["a", "b", "c"]), "b");
      assert.equal(creatorAfter("a", "a", ["b", "c"]), "b", "given the seats left");
      assert.equal(creatorAfter("a", "b", ["a", "c"]), "a", "another's leave changes nothing");
      assert.equal(creatorAfter("a", "a", []), "");
    });
  });
});
