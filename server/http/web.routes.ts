/**
 * The browser game (web/, built by Vite into web/dist): "/" serves its page, /assets its
 * hashed files, cached for good (a new build has new names); the page itself is never
 * cached, so a new build reaches learners at once.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { Router } from "express";

export const WEB_DIST = join(__dirname, "..", "..", "web", "dist");

/** Routes for the built game, or null when web/dist has not been built. */
export function webRoutes(dist = WEB_DIST): Router | null {
  const page = join(dist, "index.html");
  if (!existsSync(page)) return null;
  const router = Router();
  // A missing asset falls through to the API's 404.
  router.use("/assets", express.static(join(dist, "assets"), { immutable: true, maxAge: "365d", index: false }));
  router.get("/", (_req, res) => {
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(page);
  });
  return router;
}
