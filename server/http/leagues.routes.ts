/** GET /api/leagues/me — the learner's league this week: tier, cohort standings with zones, time left, last week's move. */
import { Router } from "express";
import { leaguePage, leagueWeek, type LeagueSettings } from "../leagues.rules";
import type { TokenService } from "../auth/tokens";
import type { LeagueStore } from "../store/store";
import { requireIdentity } from "./bearer";
import { handle } from "./handle";
import type { LeaguePage } from "./api.types";

export function leagueRoutes(leagues: LeagueStore, tokens: TokenService, settings: LeagueSettings, now: () => number = Date.now): Router {
  const router = Router();
  router.get("/leagues/me", handle(async (req, res) => {
    const { userId } = requireIdentity(req, tokens);
    const at = now();
    const week = leagueWeek(at, settings).id;
    const [member, record] = await Promise.all([leagues.leagueMember(week, userId), leagues.leagueOf(userId)]);
    const cohort = member ? await leagues.leagueCohort(week, member.tier, member.cohort) : [];
    const page: LeaguePage = leaguePage({ now: at, settings, member, cohort, record });
    res.json(page);
  }));
  return router;
}
