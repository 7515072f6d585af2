/**
 * `npm run lexicon [--force] [--decks DIR]`: works out content/lexicon/<lang>.json for every language whose
 * lexicon is missing, stale (its decks changed) or checked with another dictionary version
 * (content/lexicon.ts says why and what for). One language at a time, in this process: the
 * server never loads a Hunspell dictionary itself.
 *
 * nspell hangs on the whole Italian and Portuguese dictionaries (wooorm/nspell#11), so each
 * dictionary is first cut down to the stems that can make a word within one edit of a deck
 * word: a stem is kept when its beginning (all but its last two letters, at least five) is
 * one deletion or less from the beginning of a deck word. Inflection in these languages is
 * mostly at the end, and what a stem loses is a real word judged as a slip, as before.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import nspell from "nspell";
import { foldAccents } from "../rooms/word-duel/judge.rules";
import { loadDecks } from "./decks";
import { LEXICON_DIR, alphabetOf, deckVocabulary, lexiconKey, oneEditAway, readLexicon, type LexiconFile } from "./lexicon";

/** The dictionary package a language's words are checked with. */
const dictionaryName = (lang: string) => `dictionary-${lang}`;

/** The installed version of a language's dictionary ("dictionary-es@4.0.0"), or its name alone when it is not installed. */
function installedDictionary(lang: string): string {
  const name = dictionaryName(lang);
  try {
    const { version } = JSON.parse(readFileSync(join(require.resolve(name), "..", "package.json"), "utf8")) as { version: string };
    return `${name}@${version}`;
  } catch {
    return name;
  }
}

/** How much of a stem's end inflection may change (see the top of this file). */
const STEM_END = 2;
const STEM_HEAD_MIN = 5;

const deletions = (text: string): string[] => [text, ...[...text].map((_, i) => text.slice(0, i) + text.slice(i + 1))];
const folded = (text: string) => foldAccents(text.toLowerCase());

/** The dictionary's lines whose stems can make a word near one of `words`. */
function relevantLines(dic: string, words: ReadonlySet<string>): string[] {
  const heads = new Set<string>();
  for (const w of words) {
    const f = folded(w);
    for (let k = Math.min(3, f.length); k <= f.length; k++) for (const d of deletions(f.slice(0, k))) heads.add(d);
  }
  return dic
    .split("\n")
    .slice(1)
    .filter((line) => {
      if (line.trim() === "") return false;
      const stem = folded(line.split("/")[0]);
      return deletions(stem.slice(0, Math.max(STEM_HEAD_MIN, stem.length - STEM_END))).some((d) => heads.has(d));
    });
}

/** Works out one language's lexicon from its deck words. */
export function buildLexicon(lang: string, words: ReadonlySet<string>): LexiconFile {
  const dir = join(require.resolve(dictionaryName(lang)), "..");
  const aff = readFileSync(join(dir, "index.aff"));
  const lines = relevantLines(readFileSync(join(dir, "index.dic"), "utf8"), words);
  const spell = nspell({ aff, dic: `${lines.length}\n${lines.join("\n")}` });
  // German writes its nouns with a capital ("Küche"); elsewhere a word that is right only
  // capitalised is a name or an abbreviation ("Walter", "Lille", "Mlle"), not a word a slip makes.
  const capitalised = lang === "de";
  const isWord = (w: string) => spell.correct(w) || (capitalised && spell.correct(w[0].toUpperCase() + w.slice(1)));
  const alphabet = alphabetOf(words);
  const near = new Set<string>();
  const checked = new Set<string>();
  for (const w of words) {
    for (const candidate of oneEditAway(w, alphabet)) {
      if (candidate === "" || words.has(candidate) || checked.has(candidate)) continue;
      checked.add(candidate);
      if (isWord(candidate)) near.add(candidate);
    }
  }
  return { lang, key: lexiconKey(words), dictionary: installedDictionary(lang), near: [...near].sort() };
}

function main(dir?: string): void {
  const force = process.argv.includes("--force");
  mkdirSync(LEXICON_DIR, { recursive: true });
  for (const [lang, words] of deckVocabulary(loadDecks(dir))) {
    const cached = readLexicon(lang, words);
    if (!force && cached && cached.dictionary === installedDictionary(lang)) {
      process.stdout.write(`lexicon ${lang}: up to date (${cached.near.length} words near the deck's ${words.size})\n`);
      continue;
    }
    const started = Date.now();
    const file = buildLexicon(lang, words);
    const path = join(LEXICON_DIR, `${lang}.json`);
    writeFileSync(`${path}.tmp`, `${JSON.stringify(file)}\n`);
    renameSync(`${path}.tmp`, path);
    process.stdout.write(`lexicon ${lang}: ${file.near.length} real words near the deck's ${words.size}, from ${file.dictionary}, in ${Date.now() - started} ms\n`);
  }
}

if (require.main === module) {
  const at = process.argv.indexOf("--decks");
  main(at >= 0 ? process.argv[at + 1] : undefined);
}
