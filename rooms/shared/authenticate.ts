import { ServerError } from "@colyseus/core";
import { ERROR_CODES } from "../../server/errors";
import type { Identity } from "../word-duel/services";

export interface Authenticator {
  /** Verifies a JWT; throws an Error whose `code` is an AUTH_* code when it is not good. */
  verifyToken(token: string): Identity;
  /** Whether the token's account still exists. */
  userExists(userId: string): Promise<boolean>;
}

/**
 * A room's token check (static onAuth, where the matchmaking request lands): the learner's
 * identity, or a ServerError the client reads as "AUTH_…: message".
 */
export async function authenticate(auth: Authenticator, token: string): Promise<Identity> {
  if (!token) throw new ServerError(ERROR_CODES.AUTH_MISSING_TOKEN, "AUTH_MISSING_TOKEN: sign in first and join with your token");
  let identity: Identity;
  try {
    identity = auth.verifyToken(token);
  } catch (err) {
    const code = (err as { code?: string }).code ?? "AUTH_BAD_TOKEN";
    throw new ServerError(ERROR_CODES.AUTH_BAD_TOKEN, `${code}: ${(err as Error).message}`);
  }
  if (!(await auth.userExists(identity.userId))) {
    throw new ServerError(ERROR_CODES.AUTH_UNKNOWN_USER, "AUTH_UNKNOWN_USER: this account no longer exists: sign in again");
  }
  return identity;
}
