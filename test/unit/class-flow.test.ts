import { strict as assert } from "node:assert";
import * as flow from "../../rooms/class-game/class-flow.rules";
import { parseAuto, parseClassOptions, parseRemove } from "../../rooms/class-game/messages";
import { LocalPresence } from "@colyseus/core";
import { ClassPin } from "../../rooms/class-game/pins";

const timing: flow.ClassTiming = { countdownMs: 3000, revealMs: 4000, idleMs: 3_600_000, podiumMs: 600_000 };
const game = (over: Partial<flow.FlowGame> = {}): flow.FlowGame => ({ phase: "lobby", paused: false, round: 0, totalRounds: 10, autoAdvance: false, players: 3, phaseEndsAt: 0, pausedLeftMs: 0, ...over });
const effects = (c: flow.Commanded) => {
  assert.ok(c.ok, `refused: ${!c.ok && c.message}`);
  return c.effects;
};

describe("class game flow (pure)", () => {
  it("a lobby waits idleMs for its start, then closes", () => {
    assert.deepEqual(flow.opening(timing), [{ do: "arm", inMs: timing.idleMs, then: { do: "end", ending: flow.CLASS_ENDINGS.lobbyExpired } }]);
  });

  it("starts only from the lobby and only with players", () => {
    assert.deepEqual(flow.command("start", game({ players: 0 }), 0, timing), { ok: false, code: "CLASS_NOT_NOW", message: "nobody has joined yet: share the PIN first" });
    assert.deepEqual(effects(flow.command("start", game(), 1000, timing)), [
      { do: "patch", patch: { phase: "countdown", phaseEndsAt: 4000 } },
      { do: "arm", inMs: 3000, then: { do: "start_round", round: 1 } },
    ]);
    assert.equal(flow.command("start", game({ phase: "round", round: 1 }), 0, timing).ok, false);
  });

  it("next closes a round early, and in the reveal opens the next round or finishes after the last", () => {
    assert.deepEqual(effects(flow.command("next", game({ phase: "round", round: 2 }), 0, timing)), [{ do: "close_round" }]);
    assert.deepEqual(effects(flow.command("next", game({ phase: "reveal", round: 2 }), 0, timing)), [{ do: "start_round", round: 3 }]);
    assert.deepEqual(effects(flow.command("next", game({ phase: "reveal", round: 10 }), 0, timing)), [{ do: "finish" }]);
    assert.equal(flow.command("next", game({ phase: "lobby" }), 0, timing).ok, false);
    assert.equal(flow.command("next", game({ phase: "reveal", round: 2, paused: true }), 0, timing).ok, false);
    // A double click: the second next was pressed in round 2's reveal, the game is in round 3 now.
    assert.equal(flow.command("next", game({ phase: "round", round: 3 }), 0, timing, 2).ok, false);
    assert.equal(flow.command("next", game({ phase: "round", round: 3 }), 0, timing, 3).ok, true);
  });

  it("a reveal moves on by itself with auto-advance, else waits for the host (idleMs at most, then the game ends)", () => {
    assert.deepEqual(flow.reveal({ round: 3, totalRounds: 10, autoAdvance: true }, 1000, timing), [
      { do: "patch", patch: { phase: "reveal", phaseEndsAt: 5000 } },
      { do: "arm", inMs: 4000, then: { do: "start_round", round: 4 } },
    ]);
    assert.deepEqual(flow.reveal({ round: 10, totalRounds: 10, autoAdvance: true }, 0, timing)[1], { do: "arm", inMs: 4000, then: { do: "finish" } });
    assert.deepEqual(flow.reveal({ round: 3, totalRounds: 10, autoAdvance: false }, 0, timing), [
      { do: "patch", patch: { phase: "reveal", phaseEndsAt: 0 } },
      { do: "arm", inMs: timing.idleMs, then: { do: "finish" } },
    ]);
  });

  it("pause freezes what is left of the phase; resume re-arms exactly that", () => {
    const paused = effects(flow.command("pause", game({ phase: "round", round: 4, phaseEndsAt: 9000 }), 5000, timing));
    assert.deepEqual(paused, [{ do: "arm", inMs: timing.idleMs, then: { do: "finish" } }, { do: "patch", patch: { phase: "round", phaseEndsAt: 0, paused: true, pausedLeftMs: 4000 } }]);
    const resumed = effects(flow.command("resume", game({ phase: "round", round: 4, paused: true, pausedLeftMs: 4000 }), 20_000, timing));
    assert.deepEqual(resumed, [
      { do: "patch", patch: { phase: "round", phaseEndsAt: 24_000, paused: false, pausedLeftMs: 0 } },
      { do: "arm", inMs: 4000, then: { do: "close_round" } },
    ]);
    assert.equal(flow.command("pause", game({ phase: "lobby" }), 0, timing).ok, false, "no clock in the lobby");
    assert.equal(flow.command("pause", game({ phase: "reveal", round: 2, phaseEndsAt: 0 }), 0, timing).ok, false, "a reveal waiting for next has no clock");
    assert.equal(flow.command("resume", game({ phase: "round" }), 0, timing).ok, false);
    // Auto-advance turned off while a reveal was paused: resumed, it waits for next (it used to finish the game).
    assert.deepEqual(effects(flow.command("resume", game({ phase: "reveal", round: 1, paused: true, pausedLeftMs: 2000, autoAdvance: false }), 0, timing)), [
      { do: "patch", patch: { phase: "reveal", phaseEndsAt: 0, paused: false, pausedLeftMs: 0 } },
      { do: "arm", inMs: timing.idleMs, then: { do: "finish" } },
    ]);
  });

  it("a round closes when every connected player has answered, never while paused", () => {
    const players = [{ answered: true, connected: true }, { answered: false, connected: false }];
    assert.equal(flow.roundCloses({ phase: "round", paused: false }, players), true);
    assert.equal(flow.roundCloses({ phase: "round", paused: true }, players), false);
    assert.equal(flow.roundCloses({ phase: "round", paused: false }, [{ answered: false, connected: true }]), false);
    assert.equal(flow.roundCloses({ phase: "round", paused: false }, [{ answered: false, connected: false }]), false, "nobody here: the deadline closes it");
  });

  it("end: a lobby closes without a result; a running game finishes with the rounds played; the host gone does the same", () => {
    assert.deepEqual(effects(flow.command("end", game(), 0, timing)), [{ do: "end", ending: flow.CLASS_ENDINGS.hostEnded }]);
    assert.deepEqual(effects(flow.command("end", game({ phase: "reveal", round: 3 }), 0, timing)), [{ do: "finish" }]);
    assert.equal(flow.command("end", game({ phase: "podium" }), 0, timing).ok, false);
    assert.deepEqual(flow.hostGone("lobby"), [{ do: "end", ending: flow.CLASS_ENDINGS.hostLeft }]);
    assert.deepEqual(flow.hostGone("round"), [{ do: "finish" }]);
    assert.deepEqual(flow.hostGone("podium"), []);
    assert.deepEqual(flow.shutdown("countdown"), [{ do: "finish" }]);
  });

  it("the podium unlists the PIN and stays open podiumMs (at once closed on shutdown)", () => {
    assert.deepEqual(flow.podium(false, timing)[0], { do: "listing", open: false });
    assert.deepEqual(flow.podium(true, timing)[2], { do: "arm", inMs: 0, then: { do: "close" } });
  });
});

describe("class game messages", () => {
  it("reads a teacher's options with defaults and clear refusals", () => {
    assert.deepEqual(parseClassOptions({ lang: "es", mode: "choice" }, ["es"]), { ok: true, value: { lang: "es", lessonIds: [], mode: "choice", direction: "en-target", rounds: 10, autoAdvance: false } });
    const full = parseClassOptions({ lang: "es", mode: "typed", direction: "target-en", lessonIds: ["es-food", "es-food", "es-home"], rounds: 5, roundSeconds: 20, autoAdvance: true }, ["es"]);
    assert.ok(full.ok && full.value.lessonIds.length === 2 && full.value.roundSeconds === 20);
    for (const bad of [{ lang: "xx", mode: "choice" }, { lang: "es", mode: "fast" }, { lang: "es", mode: "choice", rounds: 0 }, { lang: "es", mode: "choice", rounds: 2.5 }, { lang: "es", mode: "choice", roundSeconds: 1 }, { lang: "es", mode: "choice", lessonIds: "es-food" }, { lang: "es", mode: "choice", lessonIds: ["../x"] }, { lang: "es", mode: "choice", autoAdvance: "yes" }]) {
      const parsed = parseClassOptions(bad, ["es"]);
      assert.ok(!parsed.ok && parsed.message.length > 0, JSON.stringify(bad));
    }
  });

  it("reads remove and auto payloads", () => {
    assert.deepEqual(parseRemove({ player: "p12" }), { ok: true, value: { player: "p12" } });
    assert.equal(parseRemove({ player: "__proto__" }).ok, false);
    assert.equal(parseRemove("p1").ok, false);
    assert.deepEqual(parseAuto({ on: false }), { ok: true, value: { on: false } });
    assert.equal(parseAuto({ on: 1 }).ok, false);
  });
});

describe("class game PINs in presence", () => {
  it("never gives two games one PIN, even drawn at once; a closed PIN is free again", async () => {
    const presence = new LocalPresence();
    // Both games draw 111111 first; the second must move on to its next draw.
    const draws = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    let i = 0;
    const rng = () => draws[i++ % draws.length];
    const info = { roomId: "r", lang: "es", mode: "choice" as const, direction: "en-target" as const, hostName: "T", totalRounds: 3 };
    const [a, b] = await Promise.all([ClassPin.open(presence, { ...info, roomId: "a" }, rng), ClassPin.open(presence, { ...info, roomId: "b" }, rng)]);
    assert.notEqual(a.pin, b.pin);
    assert.equal((await ClassPin.find(presence, a.pin))?.roomId, "a");
    assert.equal((await ClassPin.find(presence, b.pin))?.roomId, "b");
    await a.close();
    assert.equal(await ClassPin.find(presence, a.pin), null);
    i = 0;
    const c = await ClassPin.open(presence, info, rng);
    assert.equal(c.pin, a.pin, "the closed PIN is drawn again");
    presence.shutdown();
  });
});
