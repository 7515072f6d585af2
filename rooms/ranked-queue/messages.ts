/**
 * The ranked_queue wire contract: room name, join options and messages. The room and
 * client-sdk both import this file.
 */
import type { Direction, Mode } from "../word-duel/duel.rules";

export const ROOM_RANKED_QUEUE = "ranked_queue";

/** Server → client: you are in the queue. */
export const MSG_QUEUED = "queued";
/** Server → client: an opponent (or a bot) was found; here is your seat in the duel. */
export const MSG_MATCHED = "matched";

/** Join options of ranked_queue: ranked duels use the whole language, no lesson. */
export interface QueueJoinOptions {
  lang: string;
  mode: Mode;
  direction: Direction;
  /** The duel schema the client has compiled in (word-duel/messages.ts SCHEMA_OPTION): its ranked duel's seat carries it. */
  schema?: string;
}

/** `queued` payload. */
export interface QueuedMessage {
  /** When the server put you in the queue (epoch ms): show the wait from here. */
  queuedAt: number;
  /** Your rating in this language, which pairing uses. */
  rating: number;
  /** A bot steps in this long after `queuedAt` if nobody fits (0: never). */
  botAfterMs: number;
}

/** A seat in the duel's room, as colyseus.js `consumeSeatReservation` takes it. */
export interface SeatReservation {
  sessionId: string;
  room: { name: string; roomId: string; processId: string; publicAddress?: string };
}

/** `matched` payload. */
export interface MatchedMessage {
  reservation: SeatReservation;
  opponent: { name: string; isBot: boolean; rating: number };
}
