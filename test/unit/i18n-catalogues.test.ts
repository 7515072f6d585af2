/**
 * The interface's catalogues (web/src/locales/<language>/<namespace>.json), read from disk
 * (web/src/i18n.ts bundles them with import.meta.glob, which Node has not):
 *
 * 1. every interface language has every namespace English has, and no other;
 * 2. every key English has, and no other — a plural key in the plural forms that language's
 *    CLDR rules need (Intl.PluralRules: `_one`/`_other` in German, `_one`/`_many`/`_other` in
 *    French…; ordinals `_ordinal_<form>` likewise), no empty sentence;
 * 3. the same interpolation variables as English, with the same formats (`{{count, number}}`);
 * 4. every key the code asks for (`t("key")`, `t("ns:key")` in web/src) exists in English, and
 *    every English key is asked for — literally, or through a key built from an exported list
 *    (error codes, league tiers) that is checked both ways.
 */
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ERROR_CODES } from "../../web/src/error-codes";
import { TIER_KEYS } from "../../web/src/screens/leagues/league-view";

const ROOT = resolve(__dirname, "..", "..");
const WEB = join(ROOT, "web", "src");
const LOCALES = join(WEB, "locales");
const DEFAULT_NS = "common";

/**
 * Keys the code builds at run time (`t(\`errors:code.${code}\`)`): each prefix with the
 * exported list its last part comes from. A template key in web/src whose prefix is not here
 * fails the check: export the list of its values and add it.
 */
const DYNAMIC: { prefix: string; keys: readonly string[]; list: string }[] = [
  { prefix: "errors:code.", keys: ERROR_CODES, list: "ERROR_CODES (web/src/error-codes.ts)" },
  { prefix: "leagues:tiers.", keys: TIER_KEYS, list: "TIER_KEYS (web/src/screens/leagues/league-view.ts)" },
];

/**
 * Namespaces whose keys are not matched against the code here: the offline work
 * (web/src/offline/**) builds its keys from its own lists, not yet exported for this check.
 * Their catalogues are still checked for completeness in every language.
 */
const USAGE_UNCHECKED = new Set(["offline"]);

const PLURAL = /^(.+?)(_ordinal)?_(zero|one|two|few|many|other)$/;

/** Fails with every problem on a line of its own (file and key first), not a truncated diff. */
function none(problems: string[]): void {
  if (problems.length > 0) assert.fail(`${problems.length} problem${problems.length === 1 ? "" : "s"}:\n  ${problems.join("\n  ")}`);
}

/** The interface languages, as web/src/i18n.ts lists them (its UI_LANGUAGES). */
function uiLanguages(): string[] {
  const source = readFileSync(join(WEB, "i18n.ts"), "utf8");
  const list = /UI_LANGUAGES = \[([\s\S]*?)\] as const/.exec(source)?.[1] ?? "";
  return [...list.matchAll(/code: "([a-z]{2})"/g)].map((m) => m[1]);
}

/** A catalogue's sentences by dotted key ("home.hi"); anything but nested objects and strings is reported. */
function flatten(value: unknown, file: string, prefix = "", out = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else if (v && typeof v === "object" && !Array.isArray(v)) flatten(v, file, key, out);
    else assert.fail(`${file}: "${key}" is neither a sentence nor a group of keys`);
  }
  return out;
}

function catalogue(lng: string, ns: string): Map<string, string> {
  const file = join(LOCALES, lng, `${ns}.json`);
  return flatten(JSON.parse(readFileSync(file, "utf8")), relative(ROOT, file));
}

function namespaces(lng: string): string[] {
  return readdirSync(join(LOCALES, lng)).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
}

/** `{{name}}` and `{{name, format}}` of a sentence: name → format ("" for none). */
function variables(sentence: string): Map<string, string> {
  return new Map([...sentence.matchAll(/\{\{\s*([\w.]+)\s*(?:,\s*([^}]*?))?\s*\}\}/g)].map((m) => [m[1], (m[2] ?? "").replace(/\s+/g, "")]));
}

function categories(lng: string, ordinal: boolean): string[] {
  return new Intl.PluralRules(lng, { type: ordinal ? "ordinal" : "cardinal" }).resolvedOptions().pluralCategories.slice().sort();
}

/** English's keys: plain ones, and plural groups (the base key and whether ordinal). */
interface Shape {
  plain: Set<string>;
  plurals: Map<string, { ordinal: boolean; vars: Map<string, string> }>;
}

function shapeOf(en: Map<string, string>, file: string): Shape {
  const plain = new Set<string>();
  const plurals = new Map<string, { ordinal: boolean; vars: Map<string, string> }>();
  for (const [key, sentence] of en) {
    const m = PLURAL.exec(key);
    if (!m) {
      plain.add(key);
      continue;
    }
    const group = plurals.get(m[1]) ?? { ordinal: !!m[2], vars: new Map<string, string>() };
    assert.equal(group.ordinal, !!m[2], `${file}: "${m[1]}" mixes cardinal and ordinal plural forms`);
    for (const [name, format] of variables(sentence)) group.vars.set(name, format);
    plurals.set(m[1], group);
  }
  for (const [base, { ordinal }] of plurals) {
    const have = categories("en", ordinal).filter((c) => en.has(`${base}${ordinal ? "_ordinal" : ""}_${c}`));
    assert.deepEqual(have, categories("en", ordinal), `${file}: "${base}" needs the English forms ${categories("en", ordinal).join(", ")}`);
  }
  return { plain, plurals };
}

/** Every key of a language's catalogue compared with English's shape. */
function compare(lng: string, ns: string, shape: Shape, en: Map<string, string>): string[] {
  const file = `web/src/locales/${lng}/${ns}.json`;
  const mine = catalogue(lng, ns);
  const problems: string[] = [];
  const expected = new Map<string, Map<string, string>>();
  for (const key of shape.plain) expected.set(key, variables(en.get(key)!));
  for (const [base, { ordinal, vars }] of shape.plurals) {
    for (const c of categories(lng, ordinal)) expected.set(`${base}${ordinal ? "_ordinal" : ""}_${c}`, vars);
  }
  for (const [key, vars] of expected) {
    const sentence = mine.get(key);
    if (sentence === undefined) {
      problems.push(`${file}: "${key}" is missing`);
      continue;
    }
    if (!sentence.trim()) problems.push(`${file}: "${key}" is empty`);
    const got = variables(sentence);
    const plural = PLURAL.test(key) && !shape.plain.has(key);
    for (const [name, format] of vars) {
      // A plural form may leave the number out ("the top one moves up").
      if (!got.has(name)) {
        if (!(plural && name === "count")) problems.push(`${file}: "${key}" lacks {{${name}}}`);
      } else if (got.get(name) !== format) problems.push(`${file}: "${key}" formats {{${name}}} as "${got.get(name)}", English as "${format}"`);
    }
    for (const name of got.keys()) if (!vars.has(name)) problems.push(`${file}: "${key}" has {{${name}}}, which English does not`);
  }
  for (const key of mine.keys()) if (!expected.has(key)) problems.push(`${file}: "${key}" is not a key English has${PLURAL.test(key) ? ` (or not a plural form ${lng} needs: ${categories(lng, key.includes("_ordinal_")).join(", ")})` : ""}`);
  return problems;
}

/** The web's sources (not the catalogues). */
function sources(dir = WEB): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "locales" ? [] : sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** "ns:key" with the default namespace made explicit. */
function qualified(key: string): string {
  return key.includes(":") ? key : `${DEFAULT_NS}:${key}`;
}

/** The keys the code asks for, literal and built (a template's fixed start), with where. */
function usedKeys(): { literal: Map<string, string>; built: Map<string, string> } {
  const literal = new Map<string, string>();
  const built = new Map<string, string>();
  // t("key"), translate("key"), i18next.t("key"): the first argument.
  const call = /(?<![\w.])(?:t|translate|i18next\.t)\(\s*(?:"([^"]+)"|'([^']+)'|`([^`]*)`)/g;
  for (const file of sources()) {
    // Comments out (an @example is not a use), line numbers kept.
    const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/(^|\s)\/\/.*$/gm, "$1");
    for (const m of text.matchAll(call)) {
      const where = `${relative(ROOT, file)}:${text.slice(0, m.index).split("\n").length}`;
      const template = m[3];
      if (template !== undefined && template.includes("${")) built.set(qualified(template.slice(0, template.indexOf("${"))), where);
      else literal.set(qualified(m[1] ?? m[2] ?? template), where);
    }
  }
  return { literal, built };
}

describe("web: the interface's catalogues in every language", () => {
  const languages = uiLanguages();
  const enNamespaces = namespaces("en");
  const en = new Map(enNamespaces.map((ns) => [ns, catalogue("en", ns)]));

  it("finds the six interface languages and their catalogues", () => {
    assert.deepEqual(languages, ["en", "es", "fr", "de", "it", "pt"]);
    assert.deepEqual(readdirSync(LOCALES).filter((d) => statSync(join(LOCALES, d)).isDirectory()).sort(), [...languages].sort(), "web/src/locales/ holds a folder per interface language, no other");
    for (const ns of ["common", "errors"]) assert.ok(enNamespaces.includes(ns), `web/src/locales/en/${ns}.json exists`);
  });

  it("has every namespace English has in every language, and no other", () => {
    const problems = languages.flatMap((lng) => [
      ...enNamespaces.filter((ns) => !existsSync(join(LOCALES, lng, `${ns}.json`))).map((ns) => `web/src/locales/${lng}/${ns}.json is missing`),
      ...namespaces(lng).filter((ns) => !en.has(ns)).map((ns) => `web/src/locales/${lng}/${ns}.json has no English catalogue`),
    ]);
    none(problems);
  });

  for (const lng of ["en", "es", "fr", "de", "it", "pt"]) {
    it(`${lng}: every key English has, in the plural forms ${lng} needs, none empty, with English's variables`, () => {
      const problems = enNamespaces
        .filter((ns) => existsSync(join(LOCALES, lng, `${ns}.json`)))
        .flatMap((ns) => compare(lng, ns, shapeOf(en.get(ns)!, `web/src/locales/en/${ns}.json`), en.get(ns)!));
      none(problems);
    });
  }

  it("has a sentence for every key the code asks for", () => {
    const { literal } = usedKeys();
    const known = (q: string) => {
      const [ns, key] = [q.slice(0, q.indexOf(":")), q.slice(q.indexOf(":") + 1)];
      const sentences = en.get(ns);
      return !!sentences && (sentences.has(key) || [...sentences.keys()].some((k) => PLURAL.exec(k)?.[1] === key));
    };
    const missing = [...literal].filter(([q]) => !known(q)).map(([q, where]) => `${where} asks for "${q}", which web/src/locales/en/ lacks`);
    none(missing);
  });

  it("builds keys only from exported lists, each entry with its sentence and each sentence with its entry", () => {
    const { built } = usedKeys();
    const undeclared = [...built].filter(([prefix]) => !USAGE_UNCHECKED.has(prefix.split(":")[0]) && !DYNAMIC.some((d) => d.prefix === prefix)).map(([prefix, where]) => `${where} builds keys "${prefix}…": export the list of their values and declare it in DYNAMIC (test/unit/i18n-catalogues.test.ts)`);
    none(undeclared);
    const problems: string[] = [];
    for (const { prefix, keys, list } of DYNAMIC) {
      const [ns, start] = prefix.split(":");
      const sentences = [...en.get(ns)!.keys()].filter((k) => k.startsWith(start)).map((k) => k.slice(start.length));
      for (const k of keys) if (!sentences.includes(k)) problems.push(`${list} has "${k}", but web/src/locales/en/${ns}.json has no "${start}${k}"`);
      for (const k of sentences) if (!keys.includes(k)) problems.push(`web/src/locales/en/${ns}.json has "${start}${k}", which ${list} lacks`);
      if (!built.has(prefix)) problems.push(`nothing in web/src builds "${prefix}…" keys any more: drop it from DYNAMIC`);
    }
    none(problems);
  });

  it("has no sentence the code never asks for", () => {
    const { literal } = usedKeys();
    const unused: string[] = [];
    for (const [ns, sentences] of en) {
      if (USAGE_UNCHECKED.has(ns)) continue;
      for (const key of sentences.keys()) {
        const q = `${ns}:${PLURAL.exec(key)?.[1] ?? key}`;
        if (literal.has(q) || literal.has(`${ns}:${key}`) || DYNAMIC.some((d) => `${ns}:${key}`.startsWith(d.prefix))) continue;
        unused.push(`web/src/locales/en/${ns}.json: "${key}" is never asked for in web/src`);
      }
    }
    none(unused);
  });
});
