import { AppError } from "../errors";
import { applyResult, emptyProgress, type Progress } from "../progress.rules";
import type { MatchResult } from "../../rooms/word-duel/services";
import type { Store, UserRecord } from "./store";

/** The embedded store: everything in this process's memory, gone on restart. */
export class MemoryStore implements Store {
  private users = new Map<string, UserRecord>();
  private usernames = new Map<string, string>();
  private progressByUser = new Map<string, Progress>();
  private matches = new Set<string>();

  async createUser(user: UserRecord): Promise<UserRecord> {
    const key = user.username?.toLowerCase();
    if (key !== undefined && this.usernames.has(key)) throw new AppError("AUTH_USERNAME_TAKEN", `the username "${user.username}" is taken`);
    this.users.set(user.id, { ...user });
    if (key !== undefined) this.usernames.set(key, user.id);
    return { ...user };
  }

  async userById(id: string): Promise<UserRecord | null> {
    const user = this.users.get(id);
    return user ? { ...user } : null;
  }

  async userByUsername(username: string): Promise<UserRecord | null> {
    const id = this.usernames.get(username.toLowerCase());
    return id ? this.userById(id) : null;
  }

  async recordMatch(result: MatchResult): Promise<boolean> {
    if (this.matches.has(result.matchId)) return false;
    this.matches.add(result.matchId);
    for (const [userId, progress] of applyResult(this.progressByUser, result)) this.progressByUser.set(userId, progress);
    return true;
  }

  async progress(userId: string): Promise<Progress> {
    const p = this.progressByUser.get(userId) ?? emptyProgress(userId);
    return structuredClone(p);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
