/** The lesson catalogue over the validated decks: what the API lists and what rooms ask. */
import { deckWords, loadEnglish, type Deck, type DeckWord, type TargetLang } from "../content/decks";
import type { DuelLangs } from "../rooms/word-duel/duel.rules";
import type { LangRules } from "../rooms/word-duel/judge.rules";
import type { LanguageInfo, LessonDetail, LessonSummary } from "./http/api.types";

export type { LanguageInfo, LessonDetail, LessonSummary };

export class LessonCatalog {
  private readonly words = new Map<TargetLang, DeckWord[]>();

  /** `english`: how English answers are judged (content/english.json unless given). */
  constructor(
    private readonly decks: ReadonlyMap<TargetLang, Deck>,
    private readonly english: LangRules = loadEnglish(),
  ) {
    for (const [lang, deck] of decks) this.words.set(lang, deckWords(deck));
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
    const deck = this.decks.get(lang);
    return deck ? { en: this.english, target: deck } : null;
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
