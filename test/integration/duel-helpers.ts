/** Shared moves for room tests: two learners joining, answering rounds, reading results. */
import type { Client, Room } from "colyseus.js";
import type { DuelResultMessage, LinguaLeapClient } from "../../client-sdk";
import { answersFor, guestClient, type TestServer } from "../helpers/server";
import { MessageLog, waitForState, withTimeout } from "../helpers/wait";

export interface Seat {
  client: Client;
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
  return waitForState(seat.room, (s: any) => s.phase === phase && (round === undefined || s.round === round), `phase ${phase}${round ? ` of round ${round}` : ""}`, ms);
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
export async function playSdkDuel(t: TestServer, winner: LinguaLeapClient, loser: LinguaLeapClient, lang = "es"): Promise<DuelResultMessage> {
  const a = await winner.joinDuel({ lang, mode: "typed" });
  const b = await loser.joinDuel({ lang, mode: "typed" });
  const deck = t.decks.get(lang as "es")!;
  a.on("round", (r) => void a.answer(answersFor(deck, r.prompt)[0]).catch(() => undefined));
  b.on("round", () => void b.answer("zzz").catch(() => undefined));
  const result = await withTimeout(new Promise<DuelResultMessage>((r) => a.on("result", r)), 20000, "duel result");
  await Promise.all([a.leave(), b.leave()]);
  return result;
}
