/** GET /api/leaderboards/:board — top rows and, with a token and around=me, the learner's own rank. */
import { Router } from "express";
import { AROUND_SPAN, parseBoardQuery } from "../boards";
import type { TokenService } from "../auth/tokens";
import type { BoardReads } from "../store/RedisBoards";
import { requireIdentity } from "./bearer";
import { handle } from "./handle";

export function leaderboardRoutes(store: BoardReads, tokens: TokenService, langs: () => readonly string[]): Router {
  const router = Router();
  router.get("/leaderboards/:board", handle(async (req, res) => {
    const q = parseBoardQuery(req.params.board, req.query as Record<string, unknown>, langs(), Date.now());
    const ref = { board: q.board, period: q.period };
    const me = q.aroundMe ? requireIdentity(req, tokens) : undefined;
    const [top, around] = await Promise.all([store.top(ref, q.limit), me ? store.around(ref, me.userId, AROUND_SPAN) : undefined]);
    const body: Record<string, unknown> = { board: q.board, period: q.period, top };
    if (me) body.me = { rank: around?.find((r) => r.userId === me.userId)?.rank ?? null, around: around ?? [] };
    res.json(body);
  }));
  return router;
}
