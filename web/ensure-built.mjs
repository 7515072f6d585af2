// Builds the browser game (web/ → web/dist) when the bundle is missing or older than its
// sources, so `npm start` always serves the current game. Usage: node web/ensure-built.mjs [--force]
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = dirname(fileURLToPath(import.meta.url));
const root = dirname(web);
const bundle = join(web, "dist", "index.html");
// What goes into the bundle: the game, its public files (icons), the SDK, and the wire contract
// and judge it imports.
const sources = [join(web, "src"), join(web, "public"), join(web, "index.html"), join(web, "vite.config.ts"), join(root, "client-sdk"), join(root, "rooms")];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

const force = process.argv.includes("--force");
if (!force && existsSync(bundle) && statSync(bundle).mtimeMs >= Math.max(...sources.map(newest))) {
  console.log("web: bundle is up to date (web/dist)");
} else {
  const started = Date.now();
  const { build } = await import("vite");
  await build({ configFile: join(web, "vite.config.ts"), logLevel: "warn" });
  console.log(`web: built web/dist in ${Date.now() - started} ms`);
}
