/**
 * The error codes the interface explains in its own words: each has a sentence in every
 * language at `errors:code.<CODE>` (web/src/locales/<language>/errors.json). Server codes
 * (server/errors.ts) and the SDK's own (NETWORK, TIMEOUT, SESSION_LOST, QUEUE_LOST). Pure and
 * import-free, so test/unit/i18n-catalogues.test.ts reads it: every code here has a sentence,
 * and every sentence a code here.
 */
export const ERROR_CODES = [
  "NETWORK",
  "TIMEOUT",
  "SESSION_LOST",
  "QUEUE_LOST",
  "QUEUE_ALREADY_QUEUED",
  "AUTH_BAD_CREDENTIALS",
  "AUTH_USERNAME_TAKEN",
  "AUTH_TOKEN_EXPIRED",
  "AUTH_BAD_TOKEN",
  "AUTH_UNKNOWN_USER",
  "AUTH_MISSING_TOKEN",
  "RATE_LIMITED",
  "UNAVAILABLE",
  "CLUSTER_UNAVAILABLE",
  "ROOM_UNAVAILABLE",
  "CHALLENGE_NOT_FOUND",
  "DUEL_NO_SHOW",
  "DUEL_SERVER_SHUTDOWN",
  "DUEL_RATE_LIMITED",
  "DUEL_WAIT_EXPIRED",
  "DUEL_ALREADY_JOINED",
  "ROOM_BAD_FRAME",
  "DUEL_TOO_LATE",
  "DUEL_ALREADY_ANSWERED",
  "DUEL_NOT_IN_ROUND",
  "DUEL_INVALID_CHOICE",
  "DUEL_NOT_CREATOR",
  "DUEL_PARTY_TOO_FEW",
  "DUEL_NOT_STARTABLE",
  "ROOM_WATCH_ONLY",
  "ROOM_WATCHERS_FULL",
  "ROOM_NOT_WATCHABLE",
  "CLASS_NOT_FOUND",
  "CLASS_FULL",
  "CLASS_NAME_TAKEN",
  "CLASS_NAME_REFUSED",
  "CLASS_REMOVED",
  "CLASS_ENDED",
  "CLASS_HOST_ONLY",
  "CLASS_NOT_NOW",
  "CLASS_NO_SUCH_PLAYER",
  "CLASS_LOCKED",
  "CLASS_IS_HOST",
  "BODY_TOO_LARGE",
  "INTERNAL",
] as const;

export type ExplainedCode = (typeof ERROR_CODES)[number];

/** Codes whose server message is the detail to show (a form's option out of bounds): it is passed on, in the server's words. */
export const DETAIL_CODES: readonly string[] = ["BAD_REQUEST", "DUEL_BAD_OPTIONS", "CLASS_BAD_OPTIONS"];
