/**
 * JWTs (jsonwebtoken): HS256 only, pinned on verify (so `alg: none` and RS/HS confusion are
 * refused), with an expiry that every token must carry and that verify bounds again by
 * `maxAge` (a token whose `exp` lies further out than the TTL allows is refused too). The
 * subject is the user id; `name` is what rooms display. The secret becomes a KeyObject once:
 * given a string, jsonwebtoken makes a key from it on every sign and verify.
 */
import { createSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { AppError } from "../errors";
import type { Identity } from "../../rooms/word-duel/services";

const ALGORITHM = "HS256" as const;
const ISSUER = "lingualeap";

export interface TokenService {
  sign(identity: Identity): string;
  /** Throws AppError AUTH_BAD_TOKEN or AUTH_TOKEN_EXPIRED. */
  verify(token: string): Identity;
}

export function createTokenService(secret: string, ttlSeconds: number): TokenService {
  const key = createSecretKey(Buffer.from(secret, "utf8"));
  const bad = () => new AppError("AUTH_BAD_TOKEN", "the token is not valid: sign in again");
  return {
    sign(identity) {
      return jwt.sign({ name: identity.name, guest: identity.guest }, key, {
        algorithm: ALGORITHM,
        expiresIn: ttlSeconds,
        subject: identity.userId,
        issuer: ISSUER,
      });
    },
    verify(token) {
      let payload: jwt.JwtPayload | string;
      try {
        payload = jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER, maxAge: ttlSeconds });
      } catch (err) {
        if (err instanceof jwt.TokenExpiredError) throw new AppError("AUTH_TOKEN_EXPIRED", "your session has expired: sign in again");
        throw bad();
      }
      if (typeof payload === "string" || typeof payload.sub !== "string" || typeof payload.name !== "string") throw bad();
      // Every token we sign carries exp and iat; one without them was not made here.
      if (typeof payload.exp !== "number" || typeof payload.iat !== "number" || payload.exp - payload.iat > ttlSeconds) throw bad();
      return { userId: payload.sub, name: payload.name, guest: payload.guest === true };
    },
  };
}
