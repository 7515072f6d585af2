/**
 * The interface's languages (i18next). Every sentence the game shows lives in a catalogue,
 * web/src/locales/<language>/<namespace>.json (the namespace is the file's name; "common"
 * is the default), never in a component. Plurals follow each language's CLDR rules
 * (`key_one`, `key_other`, …: Intl.PluralRules), numbers and dates its Intl formats
 * (`{{count, number}}`, `{{at, datetime}}`).
 *
 * Why i18next rather than Lingui: it needs no compile step or Babel/SWC macro in the Vite
 * build, its JSON catalogues are what translators and the completeness check read, and it has
 * been the field's default for a decade (plurals, interpolation, formatting, fallbacks).
 */
import i18next, { type TFunction } from "i18next";
import { useEffect, useState } from "preact/hooks";
import { keep, readKept } from "./storage";

/** The interface languages on offer, in picker order, with their own names. */
export const UI_LANGUAGES = [
  { code: "en", name: "English" },
  { code: "es", name: "Español" },
  { code: "fr", name: "Français" },
  { code: "de", name: "Deutsch" },
  { code: "it", name: "Italiano" },
  { code: "pt", name: "Português" },
] as const;

export type UiLanguage = (typeof UI_LANGUAGES)[number]["code"];

const CODES: readonly string[] = UI_LANGUAGES.map((l) => l.code);
const KEY = "lingualeap.uiLang";

/** Every catalogue, bundled: web/src/locales/<language>/<namespace>.json. */
const files = import.meta.glob<Record<string, unknown>>("./locales/*/*.json", { eager: true, import: "default" });

function resources() {
  const out: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [path, catalogue] of Object.entries(files)) {
    const [, lng, ns] = /\.\/locales\/([a-z]{2})\/([\w-]+)\.json$/.exec(path) ?? [];
    if (lng && ns) (out[lng] ??= {})[ns] = catalogue;
  }
  return out;
}

/** A supported interface language for a BCP 47 tag ("pt-BR" → "pt"), or undefined. */
export function supported(tag: string | null | undefined): UiLanguage | undefined {
  const base = (tag ?? "").toLowerCase().split(/[-_]/)[0];
  return CODES.includes(base) ? (base as UiLanguage) : undefined;
}

/** The learner's choice kept on this device, else the browser's first supported language, else English. */
export function detectUiLanguage(): UiLanguage {
  return supported(readKept(KEY)) ?? navigator.languages.map(supported).find((l) => l !== undefined) ?? supported(navigator.language) ?? "en";
}

void i18next.init({
  resources: resources(),
  lng: detectUiLanguage(),
  fallbackLng: "en",
  supportedLngs: CODES,
  defaultNS: "common",
  ns: [...new Set(Object.keys(files).map((p) => /\/([\w-]+)\.json$/.exec(p)![1]))],
  // Preact escapes what it renders: i18next must not escape it a second time.
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});
showLanguage(uiLanguage());
i18next.on("languageChanged", (lng) => showLanguage(supported(lng) ?? "en"));
// Another tab of this browser picked a language: this one follows at once.
window.addEventListener("storage", (e) => {
  const code = e.key === KEY ? supported(e.newValue) : undefined;
  if (code && code !== uiLanguage()) void i18next.changeLanguage(code);
});

/** The page says which language it is in (`<html lang>`, for screen readers and the browser's own translation) and its title follows. */
function showLanguage(code: UiLanguage): void {
  document.documentElement.lang = code;
  document.title = i18next.t("title");
}

/** The interface language now in use. */
export function uiLanguage(): UiLanguage {
  return supported(i18next.language) ?? "en";
}

/** Switches the interface language, keeps it on this device and sets the page's `lang`. */
export async function setUiLanguage(code: UiLanguage): Promise<void> {
  keep(KEY, code);
  await i18next.changeLanguage(code);
}

/** A number as the interface language writes it (1,234 · 1.234 · 1 234). */
export function formatNumber(n: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(uiLanguage(), options).format(n);
}

/** 1st, 2nd, 3rd, 4th… as the interface language writes them (CLDR's ordinal rules: 1er, 2e; 1.º; 1.). */
export function ordinal(n: number): string {
  return i18next.t("place", { count: n, ordinal: true });
}

/** `t` outside components (error sentences, titles). */
export const t: TFunction = i18next.t.bind(i18next);

/** A sentence from the catalogues as a plain function, for pure code that takes `t` as an argument (league-view.ts). */
export type Translate = (key: string, options?: Record<string, unknown>) => string;
export const translate: Translate = (key, options) => i18next.t(key, options ?? {});

/** `t` for a component: it draws again when the language changes. */
export function useT(): TFunction {
  const [, setLanguage] = useState(i18next.language);
  useEffect(() => {
    const changed = (lng: string) => setLanguage(lng);
    i18next.on("languageChanged", changed);
    return () => i18next.off("languageChanged", changed);
  }, []);
  return t;
}
