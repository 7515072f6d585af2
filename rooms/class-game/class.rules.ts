/**
 * Class games' rules, pure (issue 14, first step: the room comes next): the PIN a class joins
 * with, the nicknames players may take, how a class answered a round (the host screen's bars
 * and the top five), and the teacher's report at the end with its CSV. Judging and scoring are
 * the duel's (rooms/word-duel/duel.rules.ts); randomness comes in as an argument.
 */
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from "obscenity";
import { foldAccents } from "../word-duel/judge.rules";
import type { Verdict } from "../word-duel/messages";

/** A random source in [0, 1), like Math.random. */
export type Rng = () => number;

/** Digits in a class game's PIN. */
export const PIN_LENGTH = 6;

/**
 * A PIN of {@link PIN_LENGTH} digits, never starting with 0 (so it reads and types as a number).
 * @example classPin(Math.random) // "482913"
 */
export function classPin(rng: Rng): string {
  let pin = String(1 + Math.floor(rng() * 9));
  while (pin.length < PIN_LENGTH) pin += String(Math.floor(rng() * 10));
  return pin;
}

const PIN_SHAPE = new RegExp(`^[1-9][0-9]{${PIN_LENGTH - 1}}$`);

/** True for a string that can be a PIN: what a join form may send on, before any lookup. */
export function isPin(text: string): boolean {
  return PIN_SHAPE.test(text);
}

/** Shortest and longest nickname, in characters. */
export const NAME_MIN = 2;
export const NAME_MAX = 20;

/** Why a nickname is refused. */
export type NameRefusal = "length" | "characters" | "profane" | "taken";

/** A nickname as shown: NFC, spaces folded to one, trimmed. */
export function tidyName(raw: string): string {
  return raw.normalize("NFC").replace(/\s+/g, " ").trim();
}

/** A nickname as compared for duplicates: case and accents folded ("José" = "jose"). */
function nameKey(name: string): string {
  return foldAccents(tidyName(name).toLowerCase());
}

/** The recommended English matcher of `obscenity` (leetspeak, repeated letters; "Scunthorpe" passes). */
const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

/** True when a text holds a profanity the maintained filter knows. */
export function isProfane(text: string): boolean {
  return matcher.hasMatch(text);
}

/**
 * A nickname a player asks for, checked: its length, its characters (letters, digits,
 * spaces, `-_.'`), the profanity filter, and the names already in the game.
 * @example checkName(" Ana ", ["Ben"]) // { ok: true, name: "Ana" }
 */
export function checkName(raw: string, taken: readonly string[], profane: (text: string) => boolean = isProfane): { ok: true; name: string } | { ok: false; reason: NameRefusal; message: string } {
  const name = tidyName(raw);
  const length = [...name].length;
  if (length < NAME_MIN || length > NAME_MAX) return { ok: false, reason: "length", message: `a name has ${NAME_MIN} to ${NAME_MAX} characters` };
  if (!/^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N} \-_.']*$/u.test(name)) return { ok: false, reason: "characters", message: "a name has letters, digits, spaces and - _ . ' only, and starts with a letter or digit" };
  if (profane(name)) return { ok: false, reason: "profane", message: "choose another name" };
  const key = nameKey(name);
  if (taken.some((t) => nameKey(t) === key)) return { ok: false, reason: "taken", message: `someone in this game is called "${name}" already` };
  return { ok: true, name };
}

/** One player's outcome of a round, as the tally reads it. */
export interface RoundAnswer {
  verdict: Verdict;
  /** The option picked, 1-based (choice mode); 0 or absent otherwise. */
  choice?: number;
}

/** How a class answered one round: the host screen's bars (choice) or counts (typed). */
export interface RoundTally {
  answered: number;
  /** Picks per option, in the options' order (choice mode; empty in typed mode). */
  byChoice: number[];
  correct: number;
  almost: number;
  wrong: number;
  none: number;
}

/**
 * Counts a round's answers.
 * @example tallyRound([{ verdict: "correct", choice: 2 }, { verdict: "none" }], 4) // { answered: 1, byChoice: [0, 1, 0, 0], correct: 1, … none: 1 }
 */
export function tallyRound(answers: readonly RoundAnswer[], choices: number): RoundTally {
  const tally: RoundTally = { answered: 0, byChoice: new Array<number>(choices).fill(0), correct: 0, almost: 0, wrong: 0, none: 0 };
  for (const a of answers) {
    tally[a.verdict] += 1;
    if (a.verdict !== "none") tally.answered += 1;
    if (a.choice && a.choice >= 1 && a.choice <= choices) tally.byChoice[a.choice - 1] += 1;
  }
  return tally;
}

/** A player as the standings read them. */
export interface Standing {
  id: string;
  name: string;
  score: number;
}

/**
 * The best `count` players (the host screen shows five): by score, equal scores by name, so
 * the order is the same on every screen.
 */
export function topPlayers<T extends Standing>(players: readonly T[], count = 5): T[] {
  return players.slice().sort((a, b) => b.score - a.score || a.name.localeCompare(b.name) || a.id.localeCompare(b.id)).slice(0, count);
}

/** A player's line of the class report. */
export interface PlayerLine {
  name: string;
  score: number;
  right: number;
  almost: number;
  answered: number;
  /** Share of the rounds answered right (almost counts half), 0–1. */
  accuracy: number;
}

/** A word's line of the class report. */
export interface WordLine {
  prompt: string;
  right: number;
  almost: number;
  wrong: number;
  none: number;
}

export interface ClassReport {
  players: PlayerLine[];
  words: WordLine[];
}

/**
 * The teacher's report: per player score and accuracy (best first), per word how the class
 * did (in the order asked).
 */
export function classReport(players: readonly { name: string; score: number; words: readonly { prompt: string; verdict: Verdict }[] }[], prompts: readonly string[]): ClassReport {
  const words = new Map<string, WordLine>(prompts.map((p) => [p, { prompt: p, right: 0, almost: 0, wrong: 0, none: 0 }]));
  const lines = players.map((p): PlayerLine => {
    let right = 0;
    let almost = 0;
    let answered = 0;
    for (const w of p.words) {
      const line = words.get(w.prompt);
      if (w.verdict === "correct") right += 1;
      if (w.verdict === "almost") almost += 1;
      if (w.verdict !== "none") answered += 1;
      if (line) line[w.verdict === "correct" ? "right" : w.verdict] += 1;
    }
    return { name: p.name, score: p.score, right, almost, answered, accuracy: prompts.length === 0 ? 0 : (right + almost / 2) / prompts.length };
  });
  lines.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  return { players: lines, words: [...words.values()] };
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break; a text a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) is written with a `'` before it.
 */
function cell(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The report as CSV for a spreadsheet: the players, a blank line, then the words.
 * @example reportCsv(report).split("\r\n")[0] // "player,score,right,almost,answered,accuracy"
 */
export function reportCsv(report: ClassReport): string {
  const rows: (string | number)[][] = [["player", "score", "right", "almost", "answered", "accuracy"]];
  for (const p of report.players) rows.push([p.name, p.score, p.right, p.almost, p.answered, `${Math.round(p.accuracy * 100)}%`]);
  rows.push([], ["word", "right", "almost", "wrong", "no answer"]);
  for (const w of report.words) rows.push([w.prompt, w.right, w.almost, w.wrong, w.none]);
  return `${rows.map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}
