/**
 * The "offline" catalogue's keys the code builds at run time, each from a list here, so a
 * check can match every such key with its sentence both ways (as test/unit/i18n-catalogues.test.ts
 * does for error codes). Plain data: no component, no browser API.
 */
import { DIRECTIONS } from "../../../rooms/word-duel/messages";

/** The screens that need the network (OfflineNotice): `offline:notice.<what>`. */
export const NEEDS_NETWORK = ["home", "queue", "challenge", "party", "boards", "leagues"] as const;
export type NeedsNetwork = (typeof NEEDS_NETWORK)[number];

/** The server's refusals of an offline practice (server/errors.ts, OFFLINE_*): `offline:refused.<code>`. */
export const REFUSAL_CODES = ["OFFLINE_UNKNOWN_LESSON", "OFFLINE_UNKNOWN_WORD", "OFFLINE_REPEATED_WORD", "OFFLINE_IMPLAUSIBLE", "OFFLINE_TOO_OLD", "OFFLINE_IN_FUTURE", "OFFLINE_TOO_MANY"] as const;

/** A verdict in words (`offline:verdict.<key>`): an almost by its reason. */
export const VERDICT_KEYS = ["correct", "almost_accent", "almost_typo", "almost_article", "wrong", "none"] as const;

/** Every key built at run time, whole (`offline:…`). */
export const OFFLINE_DYNAMIC_KEYS: readonly string[] = [
  ...NEEDS_NETWORK.map((w) => `offline:notice.${w}`),
  ...REFUSAL_CODES.map((c) => `offline:refused.${c}`),
  ...VERDICT_KEYS.map((v) => `offline:verdict.${v}`),
  ...DIRECTIONS.map((d) => `offline:direction.${d}`),
];
