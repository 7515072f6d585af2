/**
 * Deck files as text, in their own layout: the deck's head one field a line, one word a line,
 * so that a change (`npm run deck -- add`) is a one-line diff. {@link formatDeck} writes a
 * parsed deck back exactly as the shipped files are laid out.
 */
import type { Deck, Word } from "./decks";

/** A JSON value on one line, with a space after each comma and colon and inside braces. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(", ")} }`;
  }
  return JSON.stringify(value);
}

/** A word as one line of a deck file. */
export function wordLine(word: Word): string {
  return inline(word);
}

/**
 * A deck as its file is laid out (2-space indent, one field of the head and one word a line,
 * a newline at the end).
 * @example formatDeck(JSON.parse(text)) === text // for every shipped deck
 */
export function formatDeck(deck: Deck): string {
  const { lessons, ...head } = deck;
  const lines = ["{", ...Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${inline(v)},`), '  "lessons": ['];
  lessons.forEach((lesson, i) => {
    const { words, ...fields } = lesson;
    lines.push("    {", ...Object.entries(fields).map(([k, v]) => `      ${JSON.stringify(k)}: ${inline(v)},`), '      "words": [');
    words.forEach((w, j) => lines.push(`        ${wordLine(w)}${j < words.length - 1 ? "," : ""}`));
    lines.push("      ]", `    }${i < lessons.length - 1 ? "," : ""}`);
  });
  lines.push("  ]", "}", "");
  return lines.join("\n");
}

/**
 * The deck with `word` as the last word of `lessonId`, laid out as its file (undefined when
 * the lesson is not there).
 */
export function withWord(deck: Deck, lessonId: string, word: Word): string | undefined {
  const lesson = deck.lessons.find((l) => l.id === lessonId);
  if (!lesson) return undefined;
  return formatDeck({ ...deck, lessons: deck.lessons.map((l) => (l === lesson ? { ...l, words: [...l.words, word] } : l)) });
}
