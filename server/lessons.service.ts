/** The lesson catalogue over the validated decks: what the API lists and what rooms ask. */
import { deckWords, loadEnglish, type Deck, type DeckWord, type TargetLang } from "../content/decks";
import { loadLexicons, withWords, type Lexicons } from "../content/lexicon";
import type { DuelLangs } from "../rooms/word-duel/duel.rules";
import type { LangRules } from "../rooms/word-duel/judge.rules";
import type { LanguageInfo, LessonDetail, LessonSummary } from "./http/api.types";

export type { LanguageInfo, LessonDetail, LessonSummary };

export class LessonCatalog {
  private readonly words = new Map<TargetLang, DeckWord[]>();
  private readonly rules = new Map<TargetLang, DuelLangs>();

  /**
   * `english`: how English answers are judged (content/english.json unless given);
   * `lexicons`: each language's real words (content/lexicon.ts), for telling a slip from another word.
   */
  constructor(
    private readonly decks: ReadonlyMap<TargetLang, Deck>,
    english: LangRules = loadEnglish(),
    readonly lexicons: Lexicons = loadLexicons(decks),
  ) {
    const en = withWords(english, lexicons.words.get("en"));
    for (const [lang, deck] of decks) {
      this.words.set(lang, deckWords(deck));
      this.rules.set(lang, { en, target: withWords(deck, lexicons.words.get(lang)) });
    }
  }

  languages(): LanguageInfo[] {
    return [...this.decks.values()].map((d) => ({ code: d.lang, name: d.name, nativeName: d.nativeName, keyboard: [...d.keyboard] }));
  }

  langCodes(): TargetLang[] {
    return [...this.decks.keys()];
  }

  lessons(lang: string): LessonSummary[] | null {
    const deck = this.decks.get(lang);
    return deck ? deck.lessons.map((l) => ({ id: l.id, title: l.title, level: l.level, wordCount: l.words.length })) : null;
  }

  lesson(id: string): LessonDetail | null {
    const deck = this.decks.get(id.slice(0, 2));
    const lesson = deck?.lessons.find((l) => l.id === id);
    if (!deck || !lesson) return null;
    const words = lesson.words.map((w) => ({ prompt: w.en[0], answers: w.target.slice() }));
    return { id: lesson.id, title: lesson.title, level: lesson.level, lang: deck.lang, words };
  }

  /** Every word of a language (the distractor pool). */
  pool(lang: string): DeckWord[] {
    return this.words.get(lang) ?? [];
  }

  /** How answers in `lang` (its deck's rules) and in English are judged; null if `lang` is not on offer. */
  judging(lang: string): DuelLangs | null {
    return this.rules.get(lang) ?? null;
  }

  /** Words a duel asks: one lesson's when lessonId is given (null if it is not in `lang`), else all. */
  duelWords(lang: string, lessonId?: string): DeckWord[] | null {
    const all = this.words.get(lang);
    if (!all) return null;
    if (lessonId === undefined) return all;
    const words = all.filter((w) => w.lessonId === lessonId);
    return words.length > 0 ? words : null;
  }
}
