/** Reads and verifies the Bearer token of a request. */
import type { Request } from "express";
import { AppError } from "../errors";
import type { TokenService } from "../auth/tokens";
import type { Identity } from "../../rooms/word-duel/services";

export function requireIdentity(req: Request, tokens: TokenService): Identity {
  const header = req.headers.authorization ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AppError("AUTH_MISSING_TOKEN", "send your token as 'Authorization: Bearer <token>'");
  return tokens.verify(match[1]);
}
