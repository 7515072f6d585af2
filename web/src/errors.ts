import { LinguaLeapError } from "../../client-sdk";

/** What a learner reads for each error code: plain sentences, never a stack trace. */
const SENTENCES: Record<string, string> = {
  NETWORK: "We can't reach the game server. Check your connection and try again.",
  TIMEOUT: "The server took too long to answer. Please try again.",
  SESSION_LOST: "The connection to your duel was lost and couldn't be restored.",
  QUEUE_LOST: "We lost the connection to the matchmaking queue. Please look for a duel again.",
  QUEUE_ALREADY_QUEUED: "You're already looking for a duel in another tab. Cancel it there first.",
  AUTH_BAD_CREDENTIALS: "That username and password don't match.",
  AUTH_USERNAME_TAKEN: "That username is taken. Please pick another.",
  AUTH_TOKEN_EXPIRED: "Your session has expired. Please sign in again.",
  AUTH_BAD_TOKEN: "Your session is no longer valid. Please sign in again.",
  AUTH_UNKNOWN_USER: "This account no longer exists. Please sign in again.",
  AUTH_MISSING_TOKEN: "Please sign in first.",
  RATE_LIMITED: "Too many attempts. Please wait a little and try again.",
  UNAVAILABLE: "Progress is unavailable right now. Your results are kept and saved as soon as it's back.",
  CLUSTER_UNAVAILABLE: "Matchmaking is paused for a moment. A duel you're playing goes on; please look for a new one shortly.",
  ROOM_UNAVAILABLE: "That duel is no longer available. Look for another one.",
  CHALLENGE_NOT_FOUND: "No open challenge has that code. Check it, or ask your friend for a new one.",
  DUEL_NO_SHOW: "Your opponent didn't arrive, so the duel was called off. Look for another one.",
  DUEL_SERVER_SHUTDOWN: "The server is restarting. This duel doesn't count — please play again.",
  DUEL_RATE_LIMITED: "You sent too many answers too fast.",
  DUEL_WAIT_EXPIRED: "Nobody joined your duel in time, so it was closed. Look for another one.",
  DUEL_ALREADY_JOINED: "You're already in this duel in another tab. Play it there.",
  ROOM_BAD_FRAME: "The game couldn't talk to the server properly. Please reload the page.",
  DUEL_TOO_LATE: "Too late — the round had already closed.",
  DUEL_ALREADY_ANSWERED: "You already answered this round.",
  DUEL_NOT_IN_ROUND: "Answers are only taken during a round.",
  DUEL_INVALID_CHOICE: "Please pick one of the choices shown.",
  DUEL_NOT_CREATOR: "Only the friend who opened the party can start it.",
  DUEL_PARTY_TOO_FEW: "A party needs at least 3 players. Wait for more friends to join.",
  DUEL_NOT_STARTABLE: "This game can't be started now.",
  ROOM_WATCH_ONLY: "You're watching: only the players can answer.",
  ROOM_WATCHERS_FULL: "This game already has as many watchers as it can take. Try again later.",
  ROOM_NOT_WATCHABLE: "This game can't be watched.",
  CLASS_NOT_FOUND: "No class game has that PIN right now. Check the 6 digits on the big screen.",
  CLASS_FULL: "This class game is full. Ask your teacher what to do.",
  CLASS_NAME_TAKEN: "Someone in this game already has that name. Pick another one.",
  CLASS_NAME_REFUSED: "That nickname can't be used. Pick another one: 2 to 20 letters or numbers, and nothing rude.",
  CLASS_REMOVED: "Your teacher took you out of this game, so you can't join it again.",
  CLASS_ENDED: "This class game has ended, or your teacher closed it.",
  CLASS_HOST_ONLY: "Only the teacher's screen can do that.",
  CLASS_NOT_NOW: "That can't be done at this point of the game.",
  CLASS_NO_SUCH_PLAYER: "That player isn't in the game any more.",
  CLASS_LOCKED: "Your teacher has locked this game: nobody new can join now. Ask them to unlock it.",
  CLASS_IS_HOST: "You are hosting this game: the big screen is yours. To play too, join from another account.",
  BODY_TOO_LARGE: "That was too long to send.",
  INTERNAL: "Something went wrong on our side. Please try again.",
};

/** A sentence for any error: known codes read plainly, the server's own message otherwise. */
export function explain(err: unknown): string {
  if (err instanceof LinguaLeapError) {
    if (err.code === "BAD_REQUEST" || err.code === "DUEL_BAD_OPTIONS" || err.code === "CLASS_BAD_OPTIONS") return capitalise(err.message);
    // Matchmaking's UNAVAILABLE is a server restarting or starting, not the database.
    if (err.code === "UNAVAILABLE" && /shutting down|starting|took too long/.test(err.message)) return "The server is restarting. Please try again in a moment.";
    return SENTENCES[err.code] ?? capitalise(err.message);
  }
  return "Something went wrong. Please try again.";
}

/** Whether signing in again is the way out. */
export function needsSignIn(err: unknown): boolean {
  return err instanceof LinguaLeapError && ["AUTH_TOKEN_EXPIRED", "AUTH_BAD_TOKEN", "AUTH_UNKNOWN_USER", "AUTH_MISSING_TOKEN"].includes(err.code);
}

function capitalise(s: string): string {
  const t = s.trim();
  return t ? t[0].toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? "" : ".") : "Something went wrong.";
}
