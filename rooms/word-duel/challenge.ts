import type { Presence } from "@colyseus/core";
import { CHALLENGE_ALPHABET, CHALLENGE_CODE_LENGTH, CHALLENGES_KEY, type ChallengeInfo } from "./messages";
import { challengeCode, type Rng } from "./duel.rules";

/**
 * A private duel's code, listed in presence (so every process can resolve it) while the
 * duel waits for the friend, and unlisted once it starts or ends.
 */
export class Challenge {
  private constructor(
    private readonly presence: Presence,
    readonly code: string,
    private readonly info: ChallengeInfo,
  ) {}

  /** Draws a free code and lists it. */
  static async open(presence: Presence, info: ChallengeInfo, rng: Rng): Promise<Challenge> {
    for (;;) {
      const code = challengeCode(rng, CHALLENGE_ALPHABET, CHALLENGE_CODE_LENGTH);
      if (await presence.hget(CHALLENGES_KEY, code)) continue; // taken: draw again
      const challenge = new Challenge(presence, code, info);
      await challenge.list(true);
      return challenge;
    }
  }

  /** Lists (the duel waits for the friend) or unlists (started, ended) the code. */
  async list(open: boolean): Promise<void> {
    if (open) await this.presence.hset(CHALLENGES_KEY, this.code, JSON.stringify(this.info));
    else await this.presence.hdel(CHALLENGES_KEY, this.code);
  }
}
