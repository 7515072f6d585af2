/**
 * What a class game room needs from the server, injected at define() time: the duel's
 * services (words, judging, tokens, results) plus a class game's own lengths and limits.
 */
import type { DuelServices } from "../word-duel/services";
import type { ClassTiming } from "./class-flow.rules";

export interface ClassServices extends DuelServices {
  classTiming: ClassTiming & {
    /** Players one game seats at most (the host not counted). */
    maxPlayers: number;
    /** How long a dropped phone (or host) keeps its seat. */
    reconnectSeconds: number;
  };
}
