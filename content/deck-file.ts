/** Editing a deck file as text, in its own layout (one word per line), so a change is a one-line diff. */
import type { Word } from "./decks";

/** A word as one line of a deck file, in the files' own layout. */
export function wordLine(word: Word): string {
  const list = (forms: readonly string[]) => `[${forms.map((f) => JSON.stringify(f)).join(", ")}]`;
  return `{ "en": ${list(word.en)}, "target": ${list(word.target)}${word.senses ? `, "senses": ${list(word.senses)}` : ""} }`;
}

/** The deck file's text with `word` as the last word of `lessonId` (undefined when the lesson is not there). */
export function withWord(text: string, lessonId: string, word: Word): string | undefined {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.includes(`"id": ${JSON.stringify(lessonId)}`));
  if (at < 0) return undefined;
  const open = lines.findIndex((l, i) => i > at && l.trimStart().startsWith('"words": ['));
  const close = lines.findIndex((l, i) => i > open && /^\s*\]/.test(l));
  if (open < 0 || close < 0) return undefined;
  const last = close - 1;
  const indent = lines[last].match(/^\s*/)![0];
  if (last > open && !lines[last].trimEnd().endsWith(",")) lines[last] = `${lines[last].trimEnd()},`;
  lines.splice(close, 0, indent + wordLine(word));
  return lines.join("\n");
}
