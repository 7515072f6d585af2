/** GET /api/challenges/:code — what a friend's challenge code leads to (any process can answer). */
import { Router } from "express";
import { AppError } from "../errors";
import { CHALLENGE_ALPHABET, CHALLENGE_CODE_LENGTH, CHALLENGES_KEY, type ChallengeInfo } from "../../rooms/word-duel/messages";
import type { Limit } from "../limits";
import { handle } from "./handle";
import { perAddress } from "./rate-limit.middleware";

const CODE = new RegExp(`^[${CHALLENGE_ALPHABET}]{${CHALLENGE_CODE_LENGTH}}$`);

/** Lookups are limited per address (CHALLENGE_LOOKUPS_PER_MINUTE): codes cannot be guessed by brute force. */
export function challengeRoutes(presence: { hget(key: string, field: string): Promise<string | null> }, lookups: Limit): Router {
  const router = Router();
  const limit = perAddress(lookups, "too many challenge codes tried from your address; wait a minute");
  router.get("/challenges/:code", limit, handle(async (req, res) => {
    const code = req.params.code.toUpperCase();
    if (!CODE.test(code)) throw new AppError("BAD_REQUEST", `a challenge code is ${CHALLENGE_CODE_LENGTH} letters and digits, like K7QX2M`);
    const found = await presence.hget(CHALLENGES_KEY, code);
    if (!found) throw new AppError("CHALLENGE_NOT_FOUND", `no open challenge "${code}": check the code, or ask your friend for a new one`);
    res.json({ code, ...(JSON.parse(found) as ChallengeInfo) });
  }));
  return router;
}
