/**
 * The browser game (web/, built by Vite into web/dist): "/" serves its page, /assets its
 * hashed files, cached for good (a new build has new names); the page itself is never
 * cached, so a new build reaches learners at once.
 *
 * The installable app's files (docs/offline.md) come from the same build: the service worker
 * /sw.js and the manifest are checked at every visit (no-cache: a new sw.js is how a new
 * version is found), Workbox's runtime (/workbox-<hash>.js) is hashed like the assets, the
 * icons are kept a day. The page is also served as /index.html, the name the service worker
 * keeps it under.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { Router, type RequestHandler } from "express";

export const WEB_DIST = join(__dirname, "..", "..", "web", "dist");

/** Workbox's runtime as vite-plugin-pwa writes it beside sw.js. */
const WORKBOX = /^\/(workbox-[0-9a-f]{8}\.js)$/;

/** Sends a file of the build with its type and caching, or passes on (a 404) when the build has none. */
function file(dist: string, name: string | ((path: string) => string), type: string, cacheControl: string): RequestHandler {
  return (req, res, next) => {
    res.setHeader("Cache-Control", cacheControl);
    res.type(type);
    // No look at the disk first: a file the build lacks fails the send before anything is written.
    res.sendFile(join(dist, typeof name === "string" ? name : name(req.path)), (err) => {
      if (err && !res.headersSent) {
        res.removeHeader("Cache-Control");
        next();
      }
    });
  };
}

/** Routes for the built game, or null when web/dist has not been built. */
export function webRoutes(dist = WEB_DIST): Router | null {
  const page = join(dist, "index.html");
  if (!existsSync(page)) return null;
  const router = Router();
  // A missing asset falls through to the API's 404.
  router.use("/assets", express.static(join(dist, "assets"), { immutable: true, maxAge: "365d", index: false }));
  router.get(["/", "/index.html"], file(dist, "index.html", "text/html", "no-cache"));
  // Its scope is "/", where it is served: no Service-Worker-Allowed header is needed.
  router.get("/sw.js", file(dist, "sw.js", "text/javascript", "no-cache"));
  router.get("/manifest.webmanifest", file(dist, "manifest.webmanifest", "application/manifest+json", "no-cache"));
  router.get(WORKBOX, file(dist, (path) => WORKBOX.exec(path)![1], "text/javascript", "public, max-age=31536000, immutable"));
  router.use("/icons", express.static(join(dist, "icons"), { maxAge: "1d", index: false }));
  router.get("/apple-touch-icon.png", file(dist, "apple-touch-icon.png", "image/png", "public, max-age=86400"));
  return router;
}
