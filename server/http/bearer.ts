/** Reads and verifies the Bearer token of a request. */
import type { Request } from "express";
import { AppError } from "../errors";
import type { TokenService } from "../auth/tokens";
import type { Identity } from "../../rooms/shared/identity";

/** The token of an `Authorization: Bearer <token>` header (scheme in any case), if there is one. */
export function bearerToken(req: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
}

export function requireIdentity(req: Request, tokens: TokenService): Identity {
  const token = bearerToken(req);
  if (!token) throw new AppError("AUTH_MISSING_TOKEN", "send your token as 'Authorization: Bearer <token>'");
  return tokens.verify(token);
}
