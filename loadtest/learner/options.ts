/**
 * What a simulated learner (Learner.ts) is told to do, and the states it goes through. Kept
 * apart so the harness's option parsing does not load the client SDK.
 */
import type { Direction, Mode } from "../../rooms/word-duel/messages";

export type { Direction, Mode };
export type Scenario = "ranked" | "casual" | "pairing";
export const SCENARIOS: readonly Scenario[] = ["ranked", "casual", "pairing"];

export interface LearnerOptions {
  /** The server's HTTP base, e.g. http://127.0.0.1:2567. */
  endpoint: string;
  /** Guest display name (1–24 letters, digits, spaces, . _ ' -). */
  name: string;
  scenario: Scenario;
  lang: string;
  mode: Mode;
  direction: Direction;
  /** Probability (0–1) that an answer is the right one. */
  accuracy: number;
  /** Mean think time before answering, in ms. */
  thinkMs: number;
  /**
   * A learner still waiting in the queue after this long counts LOADTEST_QUEUE_STUCK, leaves
   * it and queues again (default 30 s: far beyond a bot's arrival or any pairing gap).
   */
  queueTimeoutMs?: number;
  /** Stops the learner (as stop() does). */
  signal?: AbortSignal;
  rng?: () => number;
}

/** Where the learner is; `queued` and `seated` hold an open WebSocket (they count as CCU). */
export type LearnerState = "idle" | "signing-in" | "joining" | "queued" | "seated";
