/** Shared moves for class game tests: a host, players joining by PIN, right and wrong answers, waiting for a phase. */
import { LinguaLeapClient, type ClassSession } from "../../client-sdk";
import { answersFor, type TestServer } from "../helpers/server";
import { withTimeout } from "../helpers/wait";

/** A learner who knows every word: the right choice (or text) for the round on screen. */
export function right(t: TestServer, game: ClassSession): string {
  const v = game.view!;
  const accepted = answersFor(t.decks.get(v.lang as "es")!, v.prompt, v.direction);
  return v.choices.find((c) => accepted.includes(c)) ?? accepted[0];
}

export function wrong(t: TestServer, game: ClassSession): string {
  const v = game.view!;
  const accepted = answersFor(t.decks.get(v.lang as "es")!, v.prompt, v.direction);
  return v.choices.find((c) => !accepted.includes(c)) ?? "zzzz";
}

export function phase(game: ClassSession, want: string, round?: number, ms = 8000): Promise<void> {
  return withTimeout(new Promise<void>((resolve) => {
    const check = () => {
      const v = game.view;
      if (!v || v.phase !== want || (round !== undefined && v.round !== round)) return;
      off();
      resolve();
    };
    const off = game.on("state", check);
    check();
  }), ms, `phase ${want}${round ? ` of round ${round}` : ""}`);
}

export async function host(t: TestServer, options: Record<string, unknown> = {}): Promise<{ ll: LinguaLeapClient; host: ClassSession; pin: string }> {
  const ll = new LinguaLeapClient(t.http);
  await ll.signInAsGuest("Teacher");
  const made = await ll.createClassGame({ lang: "es", mode: "choice", rounds: 3, ...options });
  return { ll, ...made };
}

export async function player(t: TestServer, pin: string, name: string): Promise<{ ll: LinguaLeapClient; game: ClassSession }> {
  const ll = new LinguaLeapClient(t.http);
  return { ll, game: await ll.joinClassGame(pin, { name }) };
}

