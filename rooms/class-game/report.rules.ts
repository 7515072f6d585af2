/**
 * How a class did, pure: a round's tally (the host screen's bars or counts), the top five,
 * and the teacher's report at the end with its CSV. No imports from the server or the
 * filter libraries: the browser's host screen uses this file too (the CSV download).
 */
import type { Verdict } from "../word-duel/messages";

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
 * The report as CSV for a spreadsheet: the players (with the XP each earned, when the report
 * has it: the `class_report` message's), a blank line, then the words.
 * @example reportCsv(report).split("\r\n")[0] // "player,score,right,almost,answered,accuracy"
 */
export function reportCsv(report: { players: readonly (PlayerLine & { xp?: number })[]; words: readonly WordLine[] }): string {
  const withXp = report.players.some((p) => p.xp !== undefined);
  const rows: (string | number)[][] = [["player", "score", "right", "almost", "answered", "accuracy", ...(withXp ? ["xp"] : [])]];
  for (const p of report.players) rows.push([p.name, p.score, p.right, p.almost, p.answered, `${Math.round(p.accuracy * 100)}%`, ...(withXp ? [p.xp ?? 0] : [])]);
  rows.push([], ["word", "right", "almost", "wrong", "no answer"]);
  for (const w of report.words) rows.push([w.prompt, w.right, w.almost, w.wrong, w.none]);
  return `${rows.map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}
