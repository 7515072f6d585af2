/**
 * What the learners of a fault-injection run saw, in one place, each with its time on the
 * run's clock (ms since play started): the ledger of every `duel_result` (learner, matchId,
 * the XP shown to them), every join with how long it took or why it failed, every duel that
 * formed (left `waiting`) and where, and every duel session that ended without a result.
 */
export interface SeenResult {
  t: number;
  userId: string;
  matchId: string;
  /** The XP `duel_result` showed this learner. */
  xp: number;
  forfeited: boolean;
  roomId: string;
  port: number;
}

export type JoinKind = "duel" | "queue" | "seat";

export interface JoinRecord {
  /** When the join started. */
  t: number;
  kind: JoinKind;
  ms: number;
  ok: boolean;
  code?: string;
  message?: string;
  /** The process the learner's HTTP went to. */
  via: number;
  /** The process the room is on (0 when unknown or failed). */
  port: number;
}

export interface Formation {
  t: number;
  roomId: string;
  port: number;
}

export interface CutSession {
  t: number;
  userId: string;
  roomId: string;
  port: number;
  code: string;
  /** When the session's connection first dropped (its first `reconnecting`), if it did. */
  troubleT?: number;
}

export interface LearnerEvent {
  t: number;
  userId: string;
  what: string;
  code: string;
  message: string;
}

/** Everything seen, appended to by the learners. */
export class Journal {
  readonly results: SeenResult[] = [];
  readonly joins: JoinRecord[] = [];
  readonly formations: Formation[] = [];
  readonly cut: CutSession[] = [];
  /** Sign-in failures, requeues, reconnections and other errors, by code. */
  readonly events: LearnerEvent[] = [];
  private readonly formed = new Set<string>();
  private readonly seen = new Set<string>();
  duplicateResults = 0;

  constructor(private readonly now: () => number) {}

  time(): number {
    return this.now();
  }

  result(r: Omit<SeenResult, "t">): void {
    const key = `${r.matchId}/${r.userId}`;
    if (this.seen.has(key)) {
      this.duplicateResults++;
      return;
    }
    this.seen.add(key);
    this.results.push({ t: this.now(), ...r });
  }

  join(j: JoinRecord): void {
    this.joins.push(j);
  }

  formedDuel(roomId: string, port: number): void {
    if (this.formed.has(roomId)) return;
    this.formed.add(roomId);
    this.formations.push({ t: this.now(), roomId, port });
  }

  cutSession(c: Omit<CutSession, "t">): void {
    this.cut.push({ t: this.now(), ...c });
  }

  event(userId: string, what: string, code: string, message: string): void {
    if (this.events.length < 20_000) this.events.push({ t: this.now(), userId, what, code, message: message.slice(0, 200) });
  }
}
