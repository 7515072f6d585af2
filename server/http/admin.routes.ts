/**
 * What only operators reach, behind HTTP Basic auth with ADMIN_USER/ADMIN_PASSWORD (off, 404,
 * when they are unset):
 * - `/colyseus`: @colyseus/monitor, which shows full room state and can call room methods;
 * - `/admin/results`: results waiting (outbox) and put aside (dead letters);
 * - `/admin/dead-letters` (GET) and `/admin/dead-letters/replay` (POST `{matchIds?}`);
 * - `/metrics`: Prometheus's scrape (metrics.routes.ts), when the app has metrics;
 * - `/api/admin/words?lang=&sort=&limit=` (JSON) and `/admin/words?lang=&sort=` (a page for
 *   game designers): the word-difficulty report from real play (server/word-report.rules.ts).
 * Failed sign-ins are limited per address (ADMIN_AUTH_FAILURES_PER_HOUR): past the limit an
 * address is refused with 429, even with the right password, until the hour is over.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import express, { Router, type Request, type RequestHandler, type Response } from "express";
import { monitor } from "@colyseus/monitor";
import { z } from "zod";
import type { Config } from "../config";
import type { Limit } from "../limits";
import type { Logger } from "../logger";
import type { ResultRecorder } from "../results.service";
import { AppError } from "../errors";
import { handle } from "./handle";
import { rateLimited } from "./rate-limit.middleware";
import { parseBody } from "./validate";
import { REPORT_SORTS, type ReportSort, type WordReportRow } from "../word-report.rules";

/** Constant-time string comparison (hashes first so lengths do not leak). */
function same(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Basic auth for operators. Every attempt takes a point of `failures` *before* the password is
 * checked, and a right one gives it back: requests sent at once (pipelined, in parallel) cannot
 * all pass a check made before any of their failures is counted.
 */
function adminAuth(user: string, password: string, failures: Limit): RequestHandler {
  const check = async (req: Request, res: Response): Promise<void> => {
    const address = req.ip ?? "unknown";
    const taken = await failures.take(address);
    if (!taken.ok) throw rateLimited(res, taken, "too many failed sign-ins from your address; try again later");
    const match = /^Basic\s+([A-Za-z0-9+/=]{1,1024})$/.exec(req.headers.authorization ?? "");
    const decoded = match ? Buffer.from(match[1], "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    if (colon > 0 && same(decoded.slice(0, colon), user) && same(decoded.slice(colon + 1), password)) return failures.giveBack(address);
    res.setHeader("WWW-Authenticate", 'Basic realm="LinguaLeap admin", charset="UTF-8"');
    throw new AppError("AUTH_BAD_CREDENTIALS", "the admin pages need the admin user name and password");
  };
  return (req, res, next) => void check(req, res).then(() => next(), next);
}

const replayBody = z.object({ matchIds: z.array(z.string().min(1).max(100)).max(1000).optional() });

/** The word-difficulty report, for the languages on offer. */
export interface WordReports {
  langs(): readonly string[];
  report(lang: string, sort: ReportSort): Promise<WordReportRow[]>;
}

const reportQuery = z.object({
  lang: z.string().regex(/^[a-z]{2}$/, "must be a language code such as es"),
  sort: z.enum(REPORT_SORTS).default("hardest"),
  limit: z.coerce.number().int().min(1).max(5000).default(5000),
});

/** The report's query, checked: a language on offer, a known order, a bounded count. */
function reportRequest(req: Request, words: WordReports): z.infer<typeof reportQuery> {
  const parsed = reportQuery.safeParse(req.query);
  if (!parsed.success) throw new AppError("BAD_REQUEST", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  if (!words.langs().includes(parsed.data.lang)) throw new AppError("LESSON_UNKNOWN_LANG", `no deck for "${parsed.data.lang}": one of ${words.langs().join(", ")}`);
  return parsed.data;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const percent = (share: number | null) => (share === null ? "–" : `${Math.round(share * 100)} %`);

/** The report as a page: a table a designer can read, with links for each language and order. */
function reportPage(lang: string, sort: ReportSort, langs: readonly string[], rows: readonly WordReportRow[]): string {
  const link = (l: string, o: ReportSort, text: string, current: boolean) => (current ? `<strong>${escapeHtml(text)}</strong>` : `<a href="?lang=${l}&amp;sort=${o}">${escapeHtml(text)}</a>`);
  const asked = rows.filter((r) => r.seen > 0).length;
  const body = rows
    .map((r) => `<tr><td>${escapeHtml(r.prompt)}</td><td>${escapeHtml(r.lessonId)}</td><td>${r.level}</td><td>${r.seen}</td><td>${percent(r.missRate)}</td><td>${r.right}</td><td>${r.almost}</td><td>${r.reasons.accent}</td><td>${r.reasons.typo}</td><td>${r.reasons.article}</td><td>${r.missed}</td><td>${r.meanMs === null ? "–" : (r.meanMs / 1000).toFixed(1) + " s"}</td></tr>`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Word difficulty · ${lang} · LinguaLeap</title></head>
<body>
<h1>Word difficulty: ${lang}</h1>
<p>From real play: every answer of every learner to each word of the deck. ${asked} of ${rows.length} words asked so far.</p>
<p>Language: ${langs.map((l) => link(l, sort, l, l === lang)).join(" · ")}</p>
<p>Order: ${REPORT_SORTS.map((o) => link(lang, o, o, o === sort)).join(" · ")} · <a href="/api/admin/words?lang=${lang}&amp;sort=${sort}">JSON</a></p>
<table>
<caption>Words of the ${lang} deck, ${sort} first</caption>
<thead><tr><th scope="col">Word</th><th scope="col">Lesson</th><th scope="col">Level</th><th scope="col">Asked</th><th scope="col">Not right</th><th scope="col">Right</th><th scope="col">Almost</th><th scope="col">accent</th><th scope="col">typo</th><th scope="col">article</th><th scope="col">Wrong or none</th><th scope="col">Mean time</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
</body></html>
`;
}

export interface AdminDeps {
  config: Pick<Config, "ADMIN_USER" | "ADMIN_PASSWORD">;
  failures: Limit;
  recorder: ResultRecorder;
  log: Logger;
  /** The `/metrics` handler (metrics.routes.ts). */
  metrics?: RequestHandler;
  /** The word-difficulty report (off without it). */
  words?: WordReports;
}

/** The monitor and the admin routes, mounted at the app's root. */
export function adminRoutes({ config, failures, recorder, log, metrics, words }: AdminDeps): Router {
  const router = Router();
  const { ADMIN_USER: user, ADMIN_PASSWORD: password } = config;
  if (!user || !password) {
    log.info({}, "monitor, admin routes and metrics: off (set ADMIN_USER and ADMIN_PASSWORD to enable /colyseus, /admin and /metrics)");
    router.use(["/colyseus", "/admin", "/api/admin", "/metrics"], (_req, _res, next) => next(new AppError("NOT_FOUND", "the admin pages are off on this server")));
    return router;
  }
  const auth = adminAuth(user, password, failures);
  const admin = Router();
  admin.get("/results", (_req, res) => {
    res.json({ pending: recorder.pendingCount, outbox: recorder.outboxCount, deadLetters: recorder.deadLetterCount });
  });
  admin.get("/dead-letters", (_req, res) => {
    res.json(recorder.listDeadLetters());
  });
  admin.post("/dead-letters/replay", express.json({ limit: 64 * 1024 }), handle(async (req, res) => {
    const { matchIds } = parseBody(replayBody, req.body);
    res.json(await recorder.replayDeadLetters(matchIds));
  }));
  if (words) {
    admin.get("/words", handle(async (req, res) => {
      const { lang, sort } = reportRequest(req, words);
      res.type("html").send(reportPage(lang, sort, words.langs(), await words.report(lang, sort)));
    }));
    const api = Router();
    api.get("/words", handle(async (req, res) => {
      const { lang, sort, limit } = reportRequest(req, words);
      const rows = await words.report(lang, sort);
      res.json({ lang, sort, total: rows.length, words: rows.slice(0, limit) });
    }));
    router.use("/api/admin", auth, api);
  }
  router.use("/admin", auth, admin);
  if (metrics) router.get("/metrics", auth, metrics);
  router.use("/colyseus", auth, express.json({ limit: 16 * 1024 }), monitor({ columns: ["roomId", "name", "clients", "maxClients", "locked", "elapsedTime", { metadata: "lang" }, { metadata: "mode" }, { metadata: "direction" }] }));
  log.info({ user }, `monitor: on at /colyseus; admin routes at /admin${metrics ? "; metrics at /metrics" : ""}`);
  return router;
}
