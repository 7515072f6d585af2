/**
 * Setting up a ranked duel for the queue, on this process: the room (made here, so a pair
 * costs no call to another process), the seats, and what each learner is told in `matched`.
 */
import { matchMaker, type IRoomCache } from "@colyseus/core";
import { ROOM_RANKED_DUEL } from "../word-duel/messages";
import type { RankedSetup } from "../word-duel/options";
import type { Identity } from "../shared/identity";
import type * as msg from "./messages";

/** One side of a duel being set up: who sits, and what their opponent sees of them. */
export interface Sitter {
  identity: Identity;
  rating: number;
  /** The duel schema its client has compiled in: its seat's join options carry it (the short join handshake). */
  options?: Pick<msg.QueueJoinOptions, "schema">;
}

/** A ranked_duel made here for `sitters` (and a bot when there is one sitter). */
export function createDuel(options: msg.QueueJoinOptions, sitters: readonly Sitter[], bot?: RankedSetup["bot"]): Promise<IRoomCache> {
  const setup: RankedSetup = { invited: sitters.map((s) => s.identity.userId), bot };
  // handleCreateRoom makes the room in this process without asking where rooms go.
  return matchMaker.handleCreateRoom(ROOM_RANKED_DUEL, { lang: options.lang, mode: options.mode, direction: options.direction, lessonId: "", ...setup });
}

/** Reserves a seat for each sitter and writes each one's `matched` (the other side as opponent, or the bot). */
export async function seatAll(room: IRoomCache, sitters: readonly Sitter[], bot?: RankedSetup["bot"]): Promise<msg.MatchedMessage[]> {
  const seats = await Promise.all(sitters.map((s) => matchMaker.reserveSeatFor(room, s.options?.schema ? { schema: s.options.schema } : {}, s.identity)));
  const { name, roomId, processId, publicAddress } = room;
  return sitters.map((_, i) => {
    const other = sitters[1 - i];
    const opponent = other ? { name: other.identity.name, isBot: false, rating: other.rating } : { name: bot!.name, isBot: true, rating: bot!.rating };
    return { reservation: { sessionId: seats[i].sessionId, room: { name, roomId, processId, publicAddress } }, opponent };
  });
}
