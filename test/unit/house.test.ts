/**
 * The house rules of STYLE.md ("Layers and folders"), read from the source instead of kept
 * in memory: which folder may import which, what a pure `*.rules.ts` file may import, and the
 * one reader of the environment. Imports are read with TypeScript's own pre-processor, so
 * type-only imports, re-exports and dynamic imports all count.
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

const ROOT = resolve(__dirname, "..", "..");
const SOURCE = /\.(ts|tsx|mts|mjs)$/;
const SKIP = new Set(["node_modules", "dist", "build", ".git", ".tools", ".scratch", ".data", "test-artifacts"]);

/** Every source file under `folder` (relative to the root, with "/" separators). */
function sources(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(relative(ROOT, path).split(sep).join("/"));
    }
  };
  walk(join(ROOT, folder));
  return out;
}

interface Import {
  /** As written: "@colyseus/core", "../../server/errors". */
  spec: string;
  /** A relative import resolved to a root-relative path without extension; undefined for a package. */
  local?: string;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return ts.preProcessFile(text, true, true).importedFiles.map(({ fileName: spec }) => {
    if (!spec.startsWith(".")) return { spec };
    const local = relative(ROOT, resolve(ROOT, dirname(file), spec)).split(sep).join("/").replace(/\.(ts|tsx|js|mjs)$/, "");
    return { spec, local };
  });
}

/** The package an import names ("@colyseus/core", "node:fs" → "fs", "express/lib/x" → "express"). */
function packageOf(spec: string): string {
  const bare = spec.replace(/^node:/, "");
  const parts = bare.split("/");
  return bare.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Lines of `file` matching `pattern`, outside comments (a why-comment may name what it avoids). */
function codeLinesMatching(file: string, pattern: RegExp): string[] {
  const text = readFileSync(join(ROOT, file), "utf8").replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "));
  return text
    .split("\n")
    .map((line, i) => ({ line: line.replace(/(^|[^:"'`])\/\/.*$/, "$1"), n: i + 1 }))
    .filter(({ line }) => pattern.test(line))
    .map(({ n }) => `${file}:${n}`);
}

const PRODUCT = [...sources("server"), ...sources("rooms"), ...sources("content"), ...sources("client-sdk")];
const RULES = PRODUCT.filter((f) => f.endsWith(".rules.ts"));
/**
 * What a pure file may not touch: the frameworks, the databases, the disk. Colyseus's
 * MessagePack codec (@colyseus/msgpackr) is plain data in, plain data out: the frame reader
 * may use it.
 */
const IMPURE = [/^colyseus$/, /^@colyseus\/(?!msgpackr$)/, /^express$/, /^mongodb$/, /^ioredis$/, /^redis$/, /^fs$/, /^fs\/promises$/];

function violations(files: string[], bad: (imp: Import) => boolean): string[] {
  return files.flatMap((file) => importsOf(file).filter(bad).map((imp) => `${file} imports ${imp.spec}`));
}

describe("the house rules (STYLE.md, layers and folders)", () => {
  it("finds the layers it guards", () => {
    // A moved folder would make every rule below pass vacuously.
    assert.ok(RULES.length >= 8, `only ${RULES.length} *.rules.ts files found`);
    assert.ok(sources("rooms").length >= 20 && sources("server").length >= 30);
  });

  it("keeps *.rules.ts files pure: no Colyseus, Express, MongoDB, Redis or node:fs", () => {
    const found = violations(RULES, (imp) => !imp.local && IMPURE.some((re) => re.test(packageOf(imp.spec))));
    assert.deepEqual(found, []);
  });

  it("lets a rules file import only other rules files, the rooms' contracts (messages, shared model) and the error catalogue", () => {
    const allowed = (local: string) => local.endsWith(".rules") || local === "server/errors" || /^rooms\/[^/]+\/messages$/.test(local) || /^rooms\/shared\/(identity|match-result|close-codes)$/.test(local);
    const found = violations(RULES, (imp) => imp.local !== undefined && !allowed(imp.local));
    assert.deepEqual(found, []);
  });

  it("keeps rooms/ free of server/, but for the error catalogue", () => {
    const found = violations(sources("rooms"), (imp) => imp.local !== undefined && imp.local.startsWith("server/") && imp.local !== "server/errors");
    assert.deepEqual(found, []);
  });

  it("keeps server/errors.ts a leaf, so rooms importing it pull in nothing of the server", () => {
    assert.deepEqual(violations(["server/errors.ts"], (imp) => imp.local !== undefined), []);
  });

  it("lets the SDK and content reach the rooms only through their contracts, and the server only through the API types", () => {
    const allowed = (local: string) => /^rooms\/[^/]+\/messages$/.test(local) || /^rooms\/shared\/(close-codes|identity|match-result|schema-id)$/.test(local) || /^rooms\/[^/]+\/[A-Za-z]+State$/.test(local) || local === "server/http/api.types" || local.startsWith("client-sdk/") || local.startsWith("content/") || local.endsWith(".rules");
    const found = violations([...sources("client-sdk"), ...sources("content")], (imp) => imp.local !== undefined && (imp.local.startsWith("server/") || imp.local.startsWith("rooms/")) && !allowed(imp.local));
    assert.deepEqual(found, []);
  });

  it("keeps loadtest/ free of test/ (shared helpers live in loadtest/support)", () => {
    const found = violations(sources("loadtest"), (imp) => imp.local !== undefined && imp.local.startsWith("test/"));
    assert.deepEqual(found, []);
  });

  it("declares the duel's wire unions (mode, direction, verdict, phase) only in its contract", () => {
    const copy = /"choice" \| "typed"|"en-target" \| "target-en"|"correct" \| "almost"|"waiting" \| "countdown"|"accent" \| "typo"/;
    const everywhere = [...PRODUCT, ...sources("web/src"), ...sources("loadtest"), ...sources("test")];
    const found = everywhere.filter((f) => f !== "rooms/word-duel/messages.ts").flatMap((f) => codeLinesMatching(f, copy));
    assert.deepEqual(found, []);
  });

  it("reads process.env only in server/config.ts", () => {
    const found = PRODUCT.filter((f) => f !== "server/config.ts").flatMap((f) => codeLinesMatching(f, /\bprocess\.env\b/));
    assert.deepEqual(found, []);
  });

  it("writes no console.* in server/ or rooms/ (the logger does)", () => {
    const found = [...sources("server"), ...sources("rooms")].flatMap((f) => codeLinesMatching(f, /\bconsole\./));
    assert.deepEqual(found, []);
  });
});
