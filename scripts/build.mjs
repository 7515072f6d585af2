// `npm run build`: the browser game (web/dist, when missing or older than its sources), the
// server compiled by tsc into the output folder, and beside it what the compiled server reads
// relative to its own files: content/'s data, every .json in it (content/decks.js reads
// ./decks/*.json and what else content/ keeps beside it), and the built game
// (server/http/web.routes.js serves ../../web/dist). Then `node <out>/server/main.js`
// runs the game; it finds node_modules by walking up, so <out> belongs inside the project.
// Usage: node scripts/build.mjs [--out-dir DIR] (default dist)
import { spawnSync } from "node:child_process";
import { cpSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const at = process.argv.indexOf("--out-dir");
const out = resolve(root, at >= 0 ? process.argv[at + 1] ?? "" : "dist");
const inside = relative(root, out);
if (!inside || inside.startsWith("..") || ["server", "rooms", "content", "client-sdk", "web", "test", "node_modules"].includes(inside.split(/[\\/]/)[0])) {
  console.error(`build: --out-dir must be a folder of its own inside the project, not ${out}`);
  process.exit(2);
}

function run(what, args) {
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`build: ${what} failed`);
    process.exit(result.status ?? 1);
  }
  return Date.now() - started;
}

run("the browser game", [join(root, "web", "ensure-built.mjs")]);
// The judge's lexicons (content/lexicon/*.json, copied with content/'s data below): the
// runtime image has no dictionaries to work them out from.
run("the lexicons", [join(root, "node_modules", "tsx", "dist", "cli.mjs"), join(root, "content", "lexicon-build.ts")]);
// A fresh folder: no compiled file of a source that has since been moved or deleted.
rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const ms = run("tsc", [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", out]);

const data = (src) => statSync(src).isDirectory() || src.endsWith(".json");
cpSync(join(root, "content"), join(out, "content"), { recursive: true, filter: data });
cpSync(join(root, "web", "dist"), join(out, "web", "dist"), { recursive: true });
console.log(`build: compiled the server into ${inside}/ in ${ms} ms, with content/'s data and the game; run: node ${inside}/server/main.js`);
