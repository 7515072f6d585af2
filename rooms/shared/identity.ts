/**
 * Who a learner is, as a verified token says: made by server/auth (tokens), read by every
 * room that seats learners. Part of the shared data model, so neither side owns it.
 */

/** Who a verified token says the player is. */
export interface Identity {
  userId: string;
  name: string;
  guest: boolean;
  /** The matchmaking request that asked for this seat (set by authenticate, for the logs). */
  requestId?: string;
}
