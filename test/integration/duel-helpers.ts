/** Shared moves for room tests: two learners joining, answering rounds, reading results. */
import type { Room } from "colyseus.js";
import type { DuelResult, DuelSession, LinguaLeapClient } from "../../client-sdk";
import type { TestClient } from "../helpers/colyseus-testing";
import { answersFor, guestClient, type TestServer } from "../helpers/server";
import { MessageLog, waitForState, withTimeout } from "../helpers/wait";
import { phaseOf } from "../../rooms/word-duel/messages";

export interface Seat {
  client: TestClient;
  room: Room<any>;
  log: MessageLog;
}

export async function join(t: TestServer, name: string, options: Record<string, unknown>, roomName = "word_duel"): Promise<Seat> {
  const client = await guestClient(t, name);
  const room = await client.joinOrCreate<any>(roomName, options);
  return { client, room, log: new MessageLog(room) };
}

/** Two guests in one duel (they share the options, so they meet). */
export async function pair(t: TestServer, options: Record<string, unknown> = { lang: "es", mode: "typed" }): Promise<[Seat, Seat]> {
  const a = await join(t, "Ana", options);
  const b = await join(t, "Ben", options);
  if (a.room.roomId !== b.room.roomId) throw new Error("the two learners were not paired");
  return [a, b];
}

export function waitPhase(seat: Seat, phase: string, round?: number, ms = 6000): Promise<any> {
  return waitForState(seat.room, (s: any) => phaseOf(s.phase) === phase && (round === undefined || s.round === round), `phase ${phase}${round ? ` of round ${round}` : ""}`, ms);
}

/** The right answer for the round on screen, from the deck (as a learner who knows it). */
export function rightAnswer(t: TestServer, seat: Seat): string {
  const state = seat.room.state;
  return answersFor(t.decks.get(state.lang)!, state.prompt, state.direction)[0];
}

export async function leaveAll(...seats: Seat[]): Promise<void> {
  await Promise.all(seats.map((s) => s.room.connection.isOpen && s.room.leave(true).catch(() => undefined)));
}

/**
 * Two SDK learners play a whole typed duel: `winner` answers every round right, `loser`
 * every round wrong. Resolves with the duel_result once both have left.
 */
export async function playSdkDuel(t: TestServer, winner: LinguaLeapClient, loser: LinguaLeapClient, lang = "es"): Promise<DuelResult> {
  const a = await winner.joinDuel({ lang, mode: "typed" });
  const b = await loser.joinDuel({ lang, mode: "typed" });
  return playOut(t, a, b);
}

/**
 * Plays a duel the sessions are already in: `a` answers every round right, `b` (if any:
 * a bot needs none) every round wrong. Resolves with the duel_result once they have left.
 */
export async function playOut(t: TestServer, a: DuelSession, b?: DuelSession): Promise<DuelResult> {
  const result = withTimeout(new Promise<DuelResult>((r) => a.on("result", r)), 20000, "duel result");
  const right = (s: DuelSession, prompt: string) => answersFor(t.decks.get(s.view!.lang as "es")!, prompt, s.view!.direction as "en-target");
  const playA = (prompt: string) => void a.answer(right(a, prompt)[0]).catch(() => undefined);
  a.on("round", (r) => playA(r.prompt));
  b?.on("round", (r) => void b.answer(r.choices.find((c) => !right(b, r.prompt).includes(c)) ?? "zzz").catch(() => undefined));
  // The first round may have started before the listeners were set.
  if (a.view?.phase === "round") playA(a.view.prompt);
  const done = await result;
  await Promise.all([a.leave(), b?.leave()]);
  return done;
}

/** A review practice played out with a wrong answer each round: the prompts it asked, in order. */
export async function reviewPrompts(learner: LinguaLeapClient, lang: string): Promise<string[]> {
  const solo = await learner.practice({ lang, mode: "typed", review: true });
  const prompts: string[] = [];
  const done = withTimeout(new Promise((r) => solo.on("result", r)), 20000, "practice result");
  solo.on("round", (r) => {
    prompts.push(r.prompt);
    void solo.answer("?").catch(() => undefined);
  });
  await done;
  await solo.leave();
  return prompts;
}
