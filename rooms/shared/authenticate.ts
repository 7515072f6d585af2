import type { AuthContext } from "@colyseus/core";
import { ERROR_CODES, type ErrorCode } from "../../server/errors";
import type { Identity } from "../shared/identity";
import { refuse } from "./public-error";

export interface Authenticator {
  /** Verifies a JWT; throws an Error whose `code` is an AUTH_* code when it is not good. */
  verifyToken(token: string): Identity;
  /** Whether the token's account still exists. */
  userExists(userId: string): Promise<boolean>;
}

/** The longest request id an identity carries (server/http/request-log.ts makes them shorter). */
const MAX_REQUEST_ID = 64;

/**
 * What Colyseus hands onAuth as its third argument: our matchmaking route passes the HTTP
 * request, whose `id` the request log set (server/http/request-log.ts).
 */
export type JoinContext = AuthContext;

/** The id of the request behind a join, when it is a short string (it travels with the seat). */
export function requestIdOf(context: JoinContext | undefined): string | undefined {
  const id = (context?.req as { id?: unknown } | undefined)?.id;
  return typeof id === "string" && id.length > 0 && id.length <= MAX_REQUEST_ID ? id : undefined;
}

/**
 * A room's token check (static onAuth, where the matchmaking request lands): the learner's
 * identity, or a ServerError the client reads as "AUTH_…: message". Given onAuth's context,
 * the identity also names the request that asked for the seat (`requestId`), so the room's
 * log lines about this learner can be found from the request log.
 */
export async function authenticate(auth: Authenticator, token: string, context?: JoinContext): Promise<Identity> {
  if (!token) throw refuse("AUTH_MISSING_TOKEN", "sign in first and join with your token");
  let identity: Identity;
  try {
    identity = auth.verifyToken(token);
  } catch (err) {
    const code: unknown = (err as { code?: unknown }).code ?? "AUTH_BAD_TOKEN";
    // Not a refusal (no catalogue code): an INTERNAL for the client, logged whole (publicError).
    if (typeof code !== "string" || !Object.hasOwn(ERROR_CODES, code)) throw err;
    throw refuse(code as ErrorCode, (err as Error).message);
  }
  if (!(await auth.userExists(identity.userId))) {
    throw refuse("AUTH_UNKNOWN_USER", "this account no longer exists: sign in again");
  }
  const requestId = requestIdOf(context);
  return requestId ? { ...identity, requestId } : identity;
}
