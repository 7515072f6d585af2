/**
 * LinguaLeap client SDK: sign in, browse lessons, and play word duels from Node or the
 * browser. Built on colyseus.js and fetch.
 * @example
 * import { LinguaLeapClient } from "./client-sdk";
 * const ll = new LinguaLeapClient("http://127.0.0.1:2567");
 * await ll.signInAsGuest("Ana");
 * const duel = await ll.joinDuel({ lang: "es", mode: "choice" });
 * duel.on("round", (r) => duel.answer(r.choices[0]));
 */
import { Client, type Room } from "colyseus.js";
import { ROOM_PRACTICE, ROOM_WORD_DUEL, type ChallengeInfo, type DuelJoinOptions } from "../rooms/word-duel/messages";
import { DuelSession, type DuelSessionOptions, type DuelView } from "./DuelSession";
import { RankedSearch } from "./RankedSearch";
import { ROOM_RANKED_QUEUE } from "../rooms/ranked-queue/messages";
import { fromRoomError, LinguaLeapError } from "./errors";
import type { LanguageInfo, LeaderboardPage, LeaderboardRow, LessonDetail, LessonSummary, Profile, Session, User } from "../server/http/api.types";
import { ROOM_LEADERBOARD } from "../rooms/leaderboard/messages";
import { LiveBoard } from "./LiveBoard";

export { DuelSession, LinguaLeapError, LiveBoard, RankedSearch };
export type { RankedSearchEvents } from "./RankedSearch";
export type { DuelEvents, DuelView, PlayerView, DuelSessionOptions } from "./DuelSession";
export type { RoundResultMessage, DuelResultMessage, PlayerRoundResult, Standing } from "../rooms/word-duel/messages";

export type { User, Profile, LessonSummary, LeaderboardPage, LeaderboardRow };
/** A language on offer. */
export type Language = LanguageInfo;
/** A lesson with its words. */
export type Lesson = LessonDetail;

/** Options of a duel: the language, the mode and (optionally) the direction. */
export type DuelOptions = Omit<DuelJoinOptions, "direction" | "lessonId"> & { direction?: DuelJoinOptions["direction"]; lessonId?: string };

/**
 * The entry point of the SDK: one per learner (it holds their token).
 * @example
 * const ll = new LinguaLeapClient("http://127.0.0.1:2567");
 * await ll.login("maria_1", "a long password");
 * const { xp, level, streak } = await ll.me();
 */
export class LinguaLeapClient {
  private readonly colyseus: Client;
  private readonly base: string;
  /** The current token (set by sign-in; keep it to stay signed in across reloads). */
  token?: string;
  /** The current learner, once signed in. */
  user?: User;

  /**
   * @param endpoint the server's address, e.g. "http://127.0.0.1:2567" or "https://play.example.org"
   * @param options.token a token kept from an earlier sign-in
   * @example const ll = new LinguaLeapClient("http://127.0.0.1:2567", { token: localStorage.token });
   */
  constructor(endpoint: string, options: { token?: string; session?: DuelSessionOptions } = {}) {
    this.base = endpoint.replace(/\/+$/, "");
    this.colyseus = new Client(this.base);
    this.sessionOptions = options.session ?? {};
    if (options.token) this.useToken(options.token);
  }

  private readonly sessionOptions: DuelSessionOptions;

  private useToken(token: string): void {
    this.token = token;
    this.colyseus.auth.token = token;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new LinguaLeapError("NETWORK", `could not reach the server at ${this.base}: ${(err as Error).message}`);
    }
    const data = (await res.json().catch(() => undefined)) as any;
    if (!res.ok) {
      throw new LinguaLeapError(data?.error?.code ?? "INTERNAL", data?.error?.message ?? `the server answered ${res.status}`, res.status);
    }
    return data as T;
  }

  private async signIn(path: string, body: unknown): Promise<User> {
    const { token, user } = await this.request<Session>("POST", path, body);
    this.useToken(token);
    this.user = user;
    return user;
  }

  /**
   * Plays as a guest under a display name; `timeZone` (IANA, e.g. "Europe/Madrid") sets
   * the days a daily streak counts in (UTC by default).
   * @example const user = await ll.signInAsGuest("Ana", { timeZone: "Europe/Madrid" });
   */
  signInAsGuest(name: string, options: { timeZone?: string } = {}): Promise<User> {
    return this.signIn("/api/auth/guest", { name, ...options });
  }

  /**
   * Creates an account (username 3–24 letters, digits or _; password 8–128 characters).
   * Signed in as a guest, it turns that guest into the account, keeping their progress.
   * @example await ll.register("maria_1", "a long password", { timeZone: "Europe/Madrid" });
   */
  register(username: string, password: string, options: { timeZone?: string } = {}): Promise<User> {
    return this.signIn("/api/auth/register", { username, password, ...options });
  }

  /**
   * Signs in to an account.
   * @example await ll.login("maria_1", "a long password");
   */
  login(username: string, password: string): Promise<User> {
    return this.signIn("/api/auth/login", { username, password });
  }

  /**
   * Forgets the token.
   * @example ll.signOut();
   */
  signOut(): void {
    this.token = undefined;
    this.user = undefined;
    this.colyseus.auth.token = "";
  }

  /**
   * The learner's profile: XP, level, streak, ratings.
   * @example const { xp, level } = await ll.me();
   */
  me(): Promise<Profile> {
    return this.request("GET", "/api/me");
  }

  /**
   * Languages on offer.
   * @example const langs = await ll.languages(); // [{ code: "es", name: "Spanish", … }]
   */
  languages(): Promise<Language[]> {
    return this.request("GET", "/api/languages");
  }

  /**
   * Lessons of a language.
   * @example const lessons = await ll.lessons("fr");
   */
  lessons(lang: string): Promise<LessonSummary[]> {
    return this.request("GET", `/api/lessons?lang=${encodeURIComponent(lang)}`);
  }

  /**
   * One lesson with its words and answers (to study before practising).
   * @example const lesson = await ll.lesson("es-food");
   */
  lesson(id: string): Promise<Lesson> {
    return this.request("GET", `/api/lessons/${encodeURIComponent(id)}`);
  }

  /**
   * Joins a duel with another learner of the same language, mode and direction (or opens
   * one and waits for them). With `lessonId`, only learners who chose the same lesson meet.
   * @example const duel = await ll.joinDuel({ lang: "de", mode: "typed", direction: "target-en" });
   */
  async joinDuel(options: DuelOptions): Promise<DuelSession> {
    return this.join(ROOM_WORD_DUEL, { ...options });
  }

  /**
   * Plays alone: the words of one lesson, or of the whole language without `lessonId`;
   * with `review: true` the words the learner misses most come first.
   * @example const solo = await ll.practice({ lang: "es", mode: "choice", lessonId: "es-food" });
   */
  async practice(options: DuelOptions & { lessonId?: string; review?: boolean }): Promise<DuelSession> {
    return this.join(ROOM_PRACTICE, { ...options });
  }

  /**
   * Opens a private duel and returns its code for a friend; the duel starts when they join.
   * @example const { code, duel } = await ll.createChallenge({ lang: "es", mode: "typed" }); // tell a friend `code`
   */
  async createChallenge(options: DuelOptions): Promise<{ code: string; duel: DuelSession }> {
    const duel = await this.open("creating a challenge", () => this.colyseus.create(ROOM_WORD_DUEL, { ...options, challenge: true }));
    const code = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new LinguaLeapError("TIMEOUT", "the challenge code did not arrive")), 10_000);
      const check = (view?: DuelView) => {
        if (!view?.challengeCode) return;
        clearTimeout(timer);
        off();
        resolve(view.challengeCode);
      };
      const off = duel.on("state", check);
      check(duel.view);
    });
    return { code, duel };
  }

  /**
   * Joins a friend's challenge by its code (any case).
   * @example const duel = await ll.joinChallenge("k7qx2m");
   */
  async joinChallenge(code: string): Promise<DuelSession> {
    const info = await this.request<ChallengeInfo>("GET", `/api/challenges/${encodeURIComponent(code.trim())}`);
    const { lang, mode, direction } = info;
    return this.open("joining a challenge", () => this.colyseus.joinById(info.roomId, { lang, mode, direction }));
  }

  /**
   * Looks for a ranked duel: a learner of about your rating in this language, mode and
   * direction, or a bot of about your level after a short wait (the server's
   * QUEUE_BOT_AFTER_MS, 8 s by default). Resolves once you are in the queue; `search.duel`
   * resolves when the duel is ready. One search per account at a time (QUEUE_ALREADY_QUEUED).
   * @example
   * const search = await ll.findRankedDuel({ lang: "es", mode: "choice" });
   * cancelButton.onclick = () => search.cancel();
   * const duel = await search.duel;
   */
  async findRankedDuel(options: Omit<DuelOptions, "lessonId">): Promise<RankedSearch> {
    return RankedSearch.open(this.colyseus, () => this.connect("looking for a duel", () => this.colyseus.joinOrCreate(ROOM_RANKED_QUEUE, { ...options })), this.sessionOptions);
  }

  /**
   * One page of a leaderboard: `global` (XP), a language code (XP in it) or `rating-<lang>`;
   * all-time or weekly (`week` for a past ISO week); with `aroundMe` (signed in) also your
   * rank and the rows around it.
   * @example const { top, me } = await ll.leaderboard("es", { period: "weekly", aroundMe: true });
   */
  leaderboard(board: string, options: { period?: "alltime" | "weekly"; week?: string; limit?: number; aroundMe?: boolean } = {}): Promise<LeaderboardPage> {
    const query = new URLSearchParams();
    if (options.period) query.set("period", options.period);
    if (options.week) query.set("week", options.week);
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    if (options.aroundMe) query.set("around", "me");
    const qs = query.toString();
    return this.request("GET", `/api/leaderboards/${encodeURIComponent(board)}${qs ? `?${qs}` : ""}`);
  }

  /**
   * Watches the top 10 of a board live (no sign-in needed).
   * @example const live = await ll.watchLeaderboard("global", "weekly"); live.on("change", render);
   */
  async watchLeaderboard(board: string, period: "alltime" | "weekly" = "alltime"): Promise<LiveBoard> {
    try {
      return new LiveBoard(await this.colyseus.joinOrCreate(ROOM_LEADERBOARD, { board, period }));
    } catch (err) {
      throw fromRoomError(err);
    }
  }

  private join(roomName: string, options: Record<string, unknown>): Promise<DuelSession> {
    return this.open("joining a duel", () => this.colyseus.joinOrCreate(roomName, options));
  }

  private async open(doing: string, connect: () => Promise<Room>): Promise<DuelSession> {
    return new DuelSession(this.colyseus, await this.connect(doing, connect), this.sessionOptions);
  }

  /** Every way into a room: signed in first, and matchmaking errors as LinguaLeapErrors. */
  private async connect(doing: string, connect: () => Promise<Room>): Promise<Room> {
    if (!this.token) throw new LinguaLeapError("AUTH_MISSING_TOKEN", `sign in before ${doing}`);
    try {
      return await connect();
    } catch (err) {
      throw fromRoomError(err);
    }
  }
}
