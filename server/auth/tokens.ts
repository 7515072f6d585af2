/**
 * JWTs (jsonwebtoken): HS256 only, pinned on verify (so `alg: none` and RS/HS confusion are
 * refused), with an expiry. The subject is the user id; `name` is what rooms display.
 */
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
  return {
    sign(identity) {
      return jwt.sign({ name: identity.name, guest: identity.guest }, secret, {
        algorithm: ALGORITHM,
        expiresIn: ttlSeconds,
        subject: identity.userId,
        issuer: ISSUER,
      });
    },
    verify(token) {
      let payload: jwt.JwtPayload | string;
      try {
        payload = jwt.verify(token, secret, { algorithms: [ALGORITHM], issuer: ISSUER });
      } catch (err) {
        if (err instanceof jwt.TokenExpiredError) throw new AppError("AUTH_TOKEN_EXPIRED", "your session has expired: sign in again");
        throw new AppError("AUTH_BAD_TOKEN", "the token is not valid: sign in again");
      }
      if (typeof payload === "string" || typeof payload.sub !== "string" || typeof payload.name !== "string") {
        throw new AppError("AUTH_BAD_TOKEN", "the token is not valid: sign in again");
      }
      return { userId: payload.sub, name: payload.name, guest: payload.guest === true };
    },
  };
}
