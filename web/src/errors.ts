import { LinguaLeapError } from "../../client-sdk";
import { DETAIL_CODES, ERROR_CODES } from "./error-codes";
import { t } from "./i18n";

export { ERROR_CODES } from "./error-codes";

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * A sentence for any error, in the interface language: a known code reads plainly (its
 * sentence is `errors:code.<CODE>` in the catalogues), any other shows the server's own message.
 */
export function explain(err: unknown): string {
  if (err instanceof LinguaLeapError) {
    if (DETAIL_CODES.includes(err.code)) return detail(err.message);
    // Matchmaking's UNAVAILABLE is a server restarting or starting, not the database.
    if (err.code === "UNAVAILABLE" && /shutting down|starting|took too long/.test(err.message)) return t("errors:restarting");
    return KNOWN.has(err.code) ? t(`errors:code.${err.code}`) : detail(err.message);
  }
  return t("errors:unknown");
}

/** Whether signing in again is the way out. */
export function needsSignIn(err: unknown): boolean {
  return err instanceof LinguaLeapError && ["AUTH_TOKEN_EXPIRED", "AUTH_BAD_TOKEN", "AUTH_UNKNOWN_USER", "AUTH_MISSING_TOKEN"].includes(err.code);
}

/** The server's message as a sentence, framed in the interface language. */
function detail(message: string): string {
  const s = message.trim();
  if (!s) return t("errors:generic");
  return t("errors:detail", { detail: s[0].toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? "" : ".") });
}
