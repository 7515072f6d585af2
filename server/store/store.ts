/**
 * The store interface: users and progress. In-memory (embedded default) and MongoDB
 * (MONGODB_URL) implement it; one contract suite runs against both.
 */
import type { MatchResult } from "../../rooms/word-duel/services";
import type { Progress } from "../progress.rules";

export interface UserRecord {
  id: string;
  /** Set for registered accounts; guests have none. */
  username?: string;
  name: string;
  passwordHash?: string;
  guest: boolean;
  createdAt: number;
}

export interface Store {
  /** Creates a user; throws AppError AUTH_USERNAME_TAKEN when the username exists. */
  createUser(user: UserRecord): Promise<UserRecord>;
  userById(id: string): Promise<UserRecord | null>;
  userByUsername(username: string): Promise<UserRecord | null>;
  /** Applies a result exactly once per matchId; false when it was already recorded. */
  recordMatch(result: MatchResult): Promise<boolean>;
  progress(userId: string): Promise<Progress>;
  /** Resolves when the store answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
