/**
 * The browser game's sentences for tests of its pure code (web/src/screens/leagues/league-view.ts
 * takes `t` as an argument): an i18next instance with one interface language's catalogues,
 * read from web/src/locales (web/src/i18n.ts bundles them with Vite's import.meta.glob, which
 * Node has not).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import i18next from "i18next";

const LOCALES = resolve(__dirname, "..", "..", "web", "src", "locales");

/** `t` in `lng` (English by default), as the page has it. */
export function webT(lng = "en"): (key: string, options?: Record<string, unknown>) => string {
  const resources: Record<string, Record<string, unknown>> = {};
  for (const file of readdirSync(join(LOCALES, lng)).filter((f) => f.endsWith(".json"))) {
    resources[file.slice(0, -5)] = JSON.parse(readFileSync(join(LOCALES, lng, file), "utf8"));
  }
  const instance = i18next.createInstance();
  void instance.init({ lng, fallbackLng: "en", resources: { [lng]: resources }, defaultNS: "common", ns: Object.keys(resources), interpolation: { escapeValue: false }, initAsync: false });
  return (key, options) => instance.t(key, options ?? {});
}
