/** The JSON API: auth, profile, languages and lessons. */
import { randomUUID } from "node:crypto";
import { Router, type Request, type RequestHandler, type Response } from "express";
import { z } from "zod";
import { AppError } from "../errors";
import { DECOY_HASH, hashPassword, verifyPassword } from "../auth/passwords";
import type { TokenService } from "../auth/tokens";
import type { Store, UserRecord } from "../store/store";
import type { LessonCatalog } from "../lessons.service";
import { requireIdentity } from "./bearer";
import { perAddressLimit } from "./rate-limit.middleware";
import { parseBody } from "./validate";
import type { Profile, Session } from "./api.types";

const displayName = z
  .string()
  .transform((s) => s.normalize("NFC").trim().replace(/\s+/g, " "))
  .pipe(z.string().min(1, "must not be empty").max(24, "must be at most 24 characters").regex(/^[\p{L}\p{N} ._'-]+$/u, "may hold letters, digits, spaces and . _ ' -"));
const guestBody = z.object({ name: displayName });
/** Sign-in takes any strings within bounds: a wrong password is a 401, whatever its length. */
const login = z.object({
  username: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters"),
  password: z.string().min(1, "must not be empty").max(128, "must be at most 128 characters"),
});
const credentials = z.object({
  username: z.string().regex(/^[A-Za-z0-9_]{3,24}$/, "3 to 24 letters, digits or _"),
  password: z.string().min(8, "must be at least 8 characters").max(128, "must be at most 128 characters"),
});

export interface ApiDeps {
  store: Store;
  tokens: TokenService;
  catalog: LessonCatalog;
  authPerMinute: number;
}

/** Express 4 does not catch rejected promises: pass them on to the error handler. */
function handle(fn: (req: Request, res: Response) => unknown): RequestHandler {
  return (req, res, next) => {
    Promise.resolve()
      .then(() => fn(req, res))
      .catch(next);
  };
}

function session(tokens: TokenService, user: UserRecord): Session {
  const token = tokens.sign({ userId: user.id, name: user.name, guest: user.guest });
  return { token, user: { id: user.id, name: user.name, guest: user.guest } };
}

export function apiRoutes({ store, tokens, catalog, authPerMinute }: ApiDeps): Router {
  const router = Router();
  const limit = perAddressLimit(authPerMinute);

  router.post("/auth/guest", limit, handle(async (req, res) => {
    const { name } = parseBody(guestBody, req.body);
    const user = await store.createUser({ id: randomUUID(), name, guest: true, createdAt: Date.now() });
    res.status(201).json(session(tokens, user));
  }));

  router.post("/auth/register", limit, handle(async (req, res) => {
    const { username, password } = parseBody(credentials, req.body);
    const user = await store.createUser({ id: randomUUID(), username, name: username, passwordHash: await hashPassword(password), guest: false, createdAt: Date.now() });
    res.status(201).json(session(tokens, user));
  }));

  router.post("/auth/login", limit, handle(async (req, res) => {
    const { username, password } = parseBody(login, req.body);
    const user = await store.userByUsername(username);
    // Hash even when the user is unknown, so timing does not tell which usernames exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await DECOY_HASH));
    if (!user || !ok) throw new AppError("AUTH_BAD_CREDENTIALS", "wrong username or password");
    res.json(session(tokens, user));
  }));

  router.get("/me", handle(async (req, res) => {
    const identity = requireIdentity(req, tokens);
    const user = await store.userById(identity.userId);
    if (!user) throw new AppError("AUTH_UNKNOWN_USER", "this account no longer exists: sign in again");
    const { xp, level, streak, ratings, xpByLang, duels, wins } = await store.progress(user.id);
    res.json({ user: { id: user.id, name: user.name, guest: user.guest, username: user.username }, xp, level, streak, ratings, xpByLang, duels, wins } satisfies Profile);
  }));

  router.get("/languages", handle((_req, res) => {
    res.json(catalog.languages());
  }));

  router.get("/lessons", handle((req, res) => {
    const lang = typeof req.query.lang === "string" ? req.query.lang : "";
    const lessons = catalog.lessons(lang);
    if (!lessons) throw new AppError("LESSON_UNKNOWN_LANG", `unknown lang "${lang}": use one of ${catalog.langCodes().join(", ")}`);
    res.json(lessons);
  }));

  router.get("/lessons/:id", handle((req, res) => {
    const lesson = catalog.lesson(req.params.id);
    if (!lesson) throw new AppError("LESSON_NOT_FOUND", `no lesson "${req.params.id}"`);
    res.json(lesson);
  }));

  return router;
}
