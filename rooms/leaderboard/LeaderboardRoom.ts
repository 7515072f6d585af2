import { ArraySchema } from "@colyseus/schema";
import { bindRoom } from "../shared/bind-room";
import { GuardedRoom, type GuardServices } from "../shared/GuardedRoom";
import { refuse } from "../shared/public-error";
import { pickOptions, replaceOptions } from "../shared/options.rules";
import { EntryState, LeaderboardState } from "./LeaderboardState";
import { LIVE_ROWS, type BoardRef, type ChangedRow, type LeaderboardEntry } from "./messages";
import { touchesTop } from "./rules";

export interface LeaderboardServices extends GuardServices {
  /**
   * The board a watcher asks for, checked, with its period filled in ("weekly" → this ISO
   * week); throws an Error saying what is wrong with it.
   */
  board(board: string, period: unknown): BoardRef;
  top(ref: BoardRef, limit: number): Promise<LeaderboardEntry[]>;
  /** Calls `onChange` with the rows each recorded result (on any process) set on the board; resolves with how to stop. */
  watch(ref: BoardRef, onChange: (rows: readonly ChangedRow[]) => void): Promise<() => void>;
}

/**
 * A live board: the top rows of one board and period. Recorded results publish the rows they
 * set (on presence, so across processes; the server listens once per process and calls the
 * rooms watching those boards). A room re-reads its board only when those rows can change
 * what it shows (rules.ts `touchesTop`), and patches its watchers only when the rows it read
 * differ. Anyone may watch: boards are public.
 */
export class LeaderboardRoom extends GuardedRoom<LeaderboardState, LeaderboardServices> {
  static override services: LeaderboardServices;
  static override roomKind = "leaderboard";
  override state = new LeaderboardState();
  private ref!: BoardRef;
  private unwatch?: () => void;
  private readonly onChanged = (rows: readonly ChangedRow[]) => {
    if (!touchesTop(this.state.entries.toArray(), rows, LIVE_ROWS)) return;
    this.refresh().catch((err) => this.services.log.error({ err, board: this.ref }, "leaderboard: refresh failed"));
  };

  /**
   * No token needed (boards are public); this checks the options and fills in the period
   * (the current ISO week for "weekly") so matchmaking meets on the real board.
   */
  static override async onAuth(_token: string, options: Record<string, unknown>): Promise<true> {
    const picked = pickOptions(options, ["board", "period"]);
    if (!picked.ok) throw refuse("BAD_REQUEST", picked.message);
    const board = typeof picked.value.board === "string" ? picked.value.board : "";
    try {
      const ref = this.services.board(board, picked.value.period);
      replaceOptions(options, { board: ref.board, period: ref.period });
    } catch (err) {
      throw refuse("BAD_REQUEST", (err as Error).message);
    }
    return true;
  }

  override async onCreate(options: Record<string, unknown>): Promise<void> {
    this.ref = { board: String(options.board), period: String(options.period) };
    Object.assign(this.state, this.ref);
    // Watchers only listen: any message closes the socket (GuardedRoom's default).
    try {
      await this.refresh();
    } catch (err) {
      this.services.log.error({ err, board: this.ref }, "leaderboard: first read failed");
      throw refuse("UNAVAILABLE", "leaderboards are unavailable right now; try again shortly");
    }
    this.unwatch = await this.services.watch(this.ref, this.onChanged);
  }

  private async refresh(): Promise<void> {
    const rows = await this.services.top(this.ref, LIVE_ROWS);
    const same = rows.length === this.state.entries.length && rows.every((r, i) => {
      const e = this.state.entries[i];
      return e.userId === r.userId && e.score === r.score && e.name === r.name && e.rank === r.rank;
    });
    if (same) return;
    this.state.entries = new ArraySchema<EntryState>(...rows.map((r) => new EntryState().assign(r)));
  }

  override onDispose(): void {
    this.unwatch?.();
  }
}

/** A leaderboard room class bound to one app's services. */
export function bindLeaderboardServices(services: LeaderboardServices): typeof LeaderboardRoom {
  return bindRoom(LeaderboardRoom, { services });
}
