/**
 * Results the store refused for good, kept for an operator (`/admin/dead-letters`): an
 * append-only file of JSON lines, one result each, read back at start-up and replayed
 * exactly once. See results.service.ts for when a result is put aside.
 */
import { JsonLines } from "./JsonLines";

/** A result the store refused for good, with why. */
export interface DeadLetter {
  matchId: string;
  /** Epoch ms of the last failure. */
  failedAt: number;
  reason: string;
  /** The result as it came (it may be malformed: that can be the reason). */
  result: unknown;
}

export class DeadLetters extends JsonLines<DeadLetter> {
  constructor(path: string) {
    super(path, (d) => d.matchId);
  }
}
