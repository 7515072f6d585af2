/**
 * The page at "/" when the browser game is not built (web/dist missing): what this server
 * is and how to play on it. `npm start` builds the game, which then takes "/" over.
 */
import { Router } from "express";
import type { LanguageInfo } from "../lessons.service";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function homeRoutes(languages: LanguageInfo[]): Router {
  const list = languages.map((l) => `<li>${escape(l.name)} (${escape(l.nativeName)}) — <code>${escape(l.code)}</code></li>`).join("");
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>LinguaLeap</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}code,pre{background:#f1f1f1;border-radius:4px;padding:.1rem .3rem}pre{padding:.6rem;overflow:auto}</style>
</head><body>
<h1>LinguaLeap</h1>
<p>Realtime word duels for language learners. This server is running, but the browser game is not built: run <code>npm run build:web</code> (or start with <code>npm start</code>, which builds it) and reload.</p>
<h2>Play now, from two terminals</h2>
<pre>npm run play -- --name Ana --lang es
npm run play -- --name Ben --lang es</pre>
<p>Add <code>--mode typed</code> to type answers, <code>--direction target-en</code> to translate into English,
or <code>--practice es-food</code> to practise one lesson alone.</p>
<h2>Languages</h2><ul>${list}</ul>
<p>API: <a href="/api/languages">/api/languages</a> · <a href="/healthz">/healthz</a> · the wire contract is in docs/protocol/.</p>
</body></html>`;
  const router = Router();
  router.get("/", (_req, res) => {
    res.type("html").setHeader("Cache-Control", "no-cache");
    res.send(page);
  });
  return router;
}
