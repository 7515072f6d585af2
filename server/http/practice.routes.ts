/**
 * Offline practice: GET /api/lessons/:id/pack (a lesson with the judge's rules, for a device
 * to keep) and POST /api/practice/offline (a practice played without the network). A practice
 * is checked (server/offline.rules.ts), judged again, takes its share of the day's offline XP
 * cap once by its id, and is recorded exactly once like a duel, by a matchId made from it.
 */
import { createHash } from "node:crypto";
import { Router } from "express";
import { z } from "zod";
import { AppError, echo } from "../errors";
import type { TokenService } from "../auth/tokens";
import type { Limit } from "../limits";
import type { Store } from "../store/store";
import type { LessonCatalog } from "../lessons.service";
import { DIRECTIONS } from "../../rooms/word-duel/messages";
import type { MatchResult } from "../../rooms/shared/match-result";
import { capDay, checkPractice, lessonPack, offlineResult, xpOf, type OfflineLesson, type OfflineLimits } from "../offline.rules";
import { requireIdentity } from "./bearer";
import { rateLimited } from "./rate-limit.middleware";
import { parseBody } from "./validate";
import { handle } from "./handle";
import type { LessonPack, OfflineReceipt } from "./api.types";

export interface PracticeDeps {
  store: Store;
  tokens: TokenService;
  catalog: LessonCatalog;
  limits: OfflineLimits;
  /** Offline practices sent, per account. */
  syncs: Limit;
  /** Makes a result durable (the outbox), to be written to the store exactly once. */
  recorder: { record(result: MatchResult): Promise<void> };
  now: () => number;
}

const epochMs = z.number().int().min(0).max(8_640_000_000_000_000);
const practiceBody = z.object({
  // A v4 UUID, as crypto.randomUUID() makes: 122 random bits, so one device's ids never meet another's.
  id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i, "must be a v4 UUID"),
  lessonId: z.string().min(1).max(64),
  direction: z.enum(DIRECTIONS),
  startedAt: epochMs,
  finishedAt: epochMs,
  answers: z.array(z.object({ prompt: z.string().min(1).max(200), answer: z.string().max(100), ms: z.number().int().min(0).max(86_400_000) })).min(1).max(60),
});

export function practiceRoutes(deps: PracticeDeps): Router {
  const { store, tokens, catalog, limits, now } = deps;
  const router = Router();
  const packs = new Map<string, LessonPack>();

  /** A lesson as offline practice sees it, or undefined. */
  const offlineLesson = (id: string): (OfflineLesson & { title: string; level: string }) | undefined => {
    const detail = catalog.lesson(id);
    const words = detail && catalog.duelWords(detail.lang, id);
    const langs = detail && catalog.judging(detail.lang);
    return detail && words && langs ? { id, lang: detail.lang, title: detail.title, level: detail.level, words, langs } : undefined;
  };

  router.get("/lessons/:id/pack", handle((req, res) => {
    const id = req.params.id;
    let pack = packs.get(id);
    if (!pack) {
      const lesson = offlineLesson(id);
      if (!lesson) throw new AppError("LESSON_NOT_FOUND", `no lesson ${echo(id)}`);
      const unversioned = lessonPack(lesson, "", limits);
      const version = createHash("sha256").update(JSON.stringify(unversioned)).digest("base64url").slice(0, 16);
      pack = { ...unversioned, version };
      packs.set(id, pack);
    }
    res.json(pack);
  }));

  router.post("/practice/offline", handle(async (req, res) => {
    const identity = requireIdentity(req, tokens);
    const taken = await deps.syncs.take(identity.userId);
    if (!taken.ok) throw rateLimited(res, taken, "too many offline practices sent at once; the rest wait on the device");
    const practice = parseBody(practiceBody, req.body);
    const user = await store.userById(identity.userId);
    if (!user) throw new AppError("AUTH_UNKNOWN_USER", "this account no longer exists: sign in again");
    const lesson = offlineLesson(practice.lessonId);
    const at = now();
    const checked = checkPractice(practice, lesson, at, limits);
    if (!checked.ok) throw new AppError(checked.code, checked.message);
    const wanted = xpOf(offlineResult(practice, user, lesson!.lang, checked));
    const grant = await store.offlineXp.claim({
      userId: user.id,
      day: capDay(practice.finishedAt),
      id: practice.id.toLowerCase(),
      wanted,
      cap: limits.xpPerDay,
      maxPractices: limits.practicesPerDay,
      // A practice of that day may arrive up to maxAgeMs after it (and a day late for the clock's skew).
      expiresAt: practice.finishedAt + limits.maxAgeMs + 2 * 86_400_000,
    });
    if (!grant) throw new AppError("OFFLINE_TOO_MANY", `at most ${limits.practicesPerDay} offline practices count per day`);
    // Recorded every time it is sent: exactly once by its matchId, so a claim whose recording
    // was lost (a crash in between) is recorded by the next send.
    await deps.recorder.record(offlineResult(practice, user, lesson!.lang, checked, grant.granted));
    const receipt: OfflineReceipt = {
      id: practice.id,
      status: grant.fresh ? "recorded" : "duplicate",
      xp: grant.granted,
      capped: grant.granted < wanted,
      verdicts: checked.words.map((w) => w.verdict),
    };
    res.json(receipt);
  }));

  return router;
}
