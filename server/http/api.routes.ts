/** The JSON API: auth, profile, languages and lessons. */
import { randomUUID } from "node:crypto";
import { Router } from "express";
import { z } from "zod";
import { AppError, echo } from "../errors";
import type { PasswordHasher } from "../auth/passwords";
import type { TokenService } from "../auth/tokens";
import type { Limits } from "../limits";
import type { Store, UserRecord } from "../store/store";
import type { LessonCatalog } from "../lessons.service";
import { requireIdentity } from "./bearer";
import { perAddress, rateLimited } from "./rate-limit.middleware";
import { parseBody } from "./validate";
import { handle } from "./handle";
import type { Profile, Session } from "./api.types";
import { canonicalTimeZone, currentStreak, dayIn, isTimeZone, levelForXp, wordsToReview } from "../progress.rules";
import { dueCount } from "../review.rules";

const displayName = z
  .string()
  .transform((s) => s.normalize("NFC").trim().replace(/\s+/g, " "))
  .pipe(z.string().min(1, "must not be empty").max(24, "must be at most 24 characters").regex(/^[\p{L}\p{N} ._'-]+$/u, "may hold letters, digits, spaces and . _ ' -"));
const timeZone = z
  .string()
  .refine(isTimeZone, "must be an IANA time zone such as Europe/Madrid")
  // Stored as the runtime spells it: one spelling per zone, whatever case a client sends.
  .transform((zone) => canonicalTimeZone(zone)!)
  .default("UTC");
/** The interface languages of the browser game (web/src/i18n.ts). */
export const UI_LANGUAGES = ["en", "es", "fr", "de", "it", "pt"] as const;
const uiLang = z.enum(UI_LANGUAGES, { errorMap: () => ({ message: `must be one of ${UI_LANGUAGES.join(", ")}` }) });
export const guestBody = z.object({ name: displayName, timeZone, uiLang: uiLang.optional() });
/** Sign-in takes any strings within bounds: a wrong password is a 401, whatever its length. */
const login = z.object({
  username: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters"),
  password: z.string().min(1, "must not be empty").max(128, "must be at most 128 characters"),
});
const credentials = z.object({
  username: z.string().regex(/^[A-Za-z0-9_]{3,24}$/, "3 to 24 letters, digits or _"),
  password: z.string().min(8, "must be at least 8 characters").max(128, "must be at most 128 characters"),
  timeZone,
  uiLang: uiLang.optional(),
});

export interface ApiDeps {
  store: Store;
  tokens: TokenService;
  passwords: PasswordHasher;
  catalog: LessonCatalog;
  limits: Pick<Limits, "auth" | "guests">;
  /** A guest who has not played is deleted this long after signing up (GUEST_IDLE_HOURS). */
  guestIdleMs: number;
  /** Results waiting in the outbox: their XP shows at once. */
  pending: { snapshot(): Promise<{ xpFor(userId: string, applied: readonly string[]): number }> };
}

/** A signed-in answer: a token for the account, and who it is. */
export function session(tokens: TokenService, user: UserRecord): Session {
  const token = tokens.sign({ userId: user.id, name: user.name, guest: user.guest });
  return { token, user: { id: user.id, name: user.name, guest: user.guest } };
}

/** Words listed for review in /api/me. */
const REVIEW_COUNT = 10;

export function apiRoutes({ store, tokens, passwords, catalog, limits, guestIdleMs, pending }: ApiDeps): Router {
  const router = Router();
  const limit = perAddress(limits.auth, "too many attempts from your address; wait a minute and try again");

  router.post("/auth/guest", limit, handle(async (req, res) => {
    const { name, timeZone, uiLang } = parseBody(guestBody, req.body);
    // Counted only for well-formed requests: the day's cap is on guests made, not on typos.
    const taken = await limits.guests.take(req.ip ?? "unknown");
    if (!taken.ok) throw rateLimited(res, taken, "too many guest accounts from your address today; sign in to an account, or try again tomorrow");
    const now = Date.now();
    const user = await store.createUser({ id: randomUUID(), name, guest: true, timeZone, ...(uiLang ? { uiLang } : {}), createdAt: now, expiresAt: now + guestIdleMs });
    res.status(201).json(session(tokens, user));
  }));

  router.post("/auth/register", limit, handle(async (req, res) => {
    const { username, password, timeZone, uiLang } = parseBody(credentials, req.body);
    const passwordHash = await passwords.hash(password);
    // A guest who registers keeps their id, and with it their progress and ranks.
    const guest = req.headers.authorization ? requireIdentity(req, tokens) : undefined;
    const user = guest?.guest
      ? await store.upgradeGuest(guest.userId, { username, passwordHash })
      : await store.createUser({ id: randomUUID(), username, name: username, passwordHash, guest: false, timeZone, ...(uiLang ? { uiLang } : {}), createdAt: Date.now() });
    if (guest?.guest && uiLang) await store.setUiLanguage(user.id, uiLang);
    res.status(201).json(session(tokens, user));
  }));

  router.post("/auth/login", limit, handle(async (req, res) => {
    const { username, password } = parseBody(login, req.body);
    const user = await store.userByUsername(username);
    // Hash even when the user is unknown, so timing does not tell which usernames exist.
    if (!user?.passwordHash) {
      await passwords.verifyNobody(password);
      throw new AppError("AUTH_BAD_CREDENTIALS", "wrong username or password");
    }
    const { ok, stale } = await passwords.verify(password, user.passwordHash);
    if (!ok) throw new AppError("AUTH_BAD_CREDENTIALS", "wrong username or password");
    // A hash from before the current cost is replaced now that the password is known.
    if (stale) await store.setPasswordHash(user.id, await passwords.hash(password));
    res.json(session(tokens, user));
  }));

  router.get("/me", handle(async (req, res) => {
    const identity = requireIdentity(req, tokens);
    const user = await store.userById(identity.userId);
    if (!user) throw new AppError("AUTH_UNKNOWN_USER", "this account no longer exists: sign in again");
    const pendingNow = await pending.snapshot();
    const progress = await store.progress(user.id);
    const pendingXp = pendingNow.xpFor(user.id, progress.applied);
    const xp = progress.xp + pendingXp;
    const streak = currentStreak(progress, dayIn(Date.now(), user.timeZone));
    const { ratings, xpByLang, duels, wins } = progress;
    const review = wordsToReview(progress, REVIEW_COUNT);
    const due = dueCount(progress.reviews ?? {}, Date.now());
    res.json({ user: { id: user.id, name: user.name, guest: user.guest, username: user.username, timeZone: user.timeZone, ...(user.uiLang ? { uiLang: user.uiLang } : {}) }, xp, level: levelForXp(xp), streak, ratings, xpByLang, duels, wins, pendingXp, review, due } satisfies Profile);
  }));

  router.put("/me/ui-language", handle(async (req, res) => {
    const identity = requireIdentity(req, tokens);
    const parsed = z.object({ uiLang }).safeParse(req.body ?? {});
    if (!parsed.success) throw new AppError("ME_BAD_UI_LANGUAGE", `uiLang must be one of ${UI_LANGUAGES.join(", ")}`);
    const code = parsed.data.uiLang;
    if (!(await store.userById(identity.userId))) throw new AppError("AUTH_UNKNOWN_USER", "this account no longer exists: sign in again");
    await store.setUiLanguage(identity.userId, code);
    res.json({ uiLang: code });
  }));

  router.get("/languages", handle((_req, res) => {
    res.json(catalog.languages());
  }));

  router.get("/lessons", handle((req, res) => {
    const lang = typeof req.query.lang === "string" ? req.query.lang : "";
    const lessons = catalog.lessons(lang);
    if (!lessons) throw new AppError("LESSON_UNKNOWN_LANG", `unknown lang ${echo(lang)}: use one of ${catalog.langCodes().join(", ")}`);
    res.json(lessons);
  }));

  router.get("/lessons/:id", handle((req, res) => {
    const lesson = catalog.lesson(req.params.id);
    if (!lesson) throw new AppError("LESSON_NOT_FOUND", `no lesson ${echo(req.params.id)}`);
    res.json(lesson);
  }));

  return router;
}
