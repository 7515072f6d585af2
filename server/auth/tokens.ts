/**
 * JWTs (jsonwebtoken): HS256 only, pinned on verify (so `alg: none` and RS/HS confusion are
 * refused), with an expiry that every token must carry and that verify bounds again by
 * `maxAge` (a token whose `exp` lies further out than the TTL allows, or whose `iat` is in the
 * future, is refused too), no `crit` header, at most 2 KB. The
 * subject is the user id; `name` is what rooms display. The secret becomes a KeyObject once:
 * given a string, jsonwebtoken makes a key from it on every sign and verify.
 */
import { createSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { AppError } from "../errors";
import type { Identity } from "../../rooms/shared/identity";

const ALGORITHM = "HS256" as const;
const ISSUER = "lingualeap";
/** Our tokens are about 250 characters; anything much longer is not one of them. */
const MAX_TOKEN_LENGTH = 2048;
/** How far ahead of this clock another process's `iat` may be. */
const CLOCK_SKEW_SECONDS = 60;

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
      if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) throw bad();
      let decoded: jwt.Jwt;
      try {
        decoded = jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER, maxAge: ttlSeconds, complete: true });
      } catch (err) {
        if (err instanceof jwt.TokenExpiredError) throw new AppError("AUTH_TOKEN_EXPIRED", "your session has expired: sign in again");
        throw bad();
      }
      const { header, payload } = decoded;
      // We never mark extensions critical (RFC 7515 §4.1.11: an unknown one must be refused).
      if ((header as { crit?: unknown }).crit !== undefined) throw bad();
      if (typeof payload === "string" || typeof payload.sub !== "string" || typeof payload.name !== "string") throw bad();
      // Every token we sign carries exp and iat, iat not in the future, exp the TTL after it.
      const { exp, iat } = payload;
      if (typeof exp !== "number" || typeof iat !== "number" || exp - iat > ttlSeconds || iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) throw bad();
      return { userId: payload.sub, name: payload.name, guest: payload.guest === true };
    },
  };
}
