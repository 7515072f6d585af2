/**
 * LinguaLeap client SDK: sign in, browse lessons, and play word duels from Node or the
 * browser. Built on colyseus.js (rooms) and fetch (every HTTP request, with time limits and
 * failover over several endpoints).
 * @example
 * import { LinguaLeapClient } from "./client-sdk";
 * const ll = new LinguaLeapClient("http://127.0.0.1:2567");
 * await ll.signInAsGuest("Ana");
 * const duel = await ll.joinDuel({ lang: "es", mode: "choice" });
 * duel.on("round", (r) => duel.answer(r.choices[0]));
 */
import { ROOM_PRACTICE, ROOM_WORD_DUEL, SCHEMA_OPTION, type ChallengeInfo, type DuelJoinOptions } from "../rooms/word-duel/messages";
import { CLASS_SCHEMA_ID, DUEL_SCHEMA_ID } from "./CompactSerializer";
import { DuelSession, type DuelSessionOptions, type DuelView } from "./DuelSession";
import { RankedSearch } from "./RankedSearch";
import { ROOM_RANKED_QUEUE } from "../rooms/ranked-queue/messages";
import { fromAnswer, fromRoomError, LinguaLeapError } from "./errors";
import { EndpointPool, normalizeEndpoints } from "./endpoints";
import { DEFAULT_TIMEOUTS, HttpTransport, type Timeouts } from "./HttpTransport";
import { Matchmaker, type Seat } from "./Matchmaker";
import { DEFAULT_RETRY, type RetryOptions } from "./retry";
import type { LanguageInfo, LeaderboardPage, LeaderboardRow, LeaguePage, LeagueOutcome, LeagueStanding, LeagueZone, LessonDetail, LessonPack, LessonSummary, OfflineAnswer, OfflinePractice, OfflineReceipt, Profile, Session, User } from "../server/http/api.types";
import { ROOM_LEADERBOARD } from "../rooms/leaderboard/messages";
import { LiveBoard } from "./LiveBoard";
import { WatchSession } from "./WatchSession";
import { ClassSession, type ClassRole, type ClassSessionOptions } from "./ClassSession";
import { ROOM_CLASS_GAME, type ClassInfo, type ClassOptions } from "../rooms/class-game/messages";

export { DuelSession, LinguaLeapError, LiveBoard, RankedSearch, WatchSession };
export type { RankedSearchEvents, QueueView } from "./RankedSearch";
export type { BoardView } from "./LiveBoard";
export type { Timeouts } from "./HttpTransport";
export type { RetryOptions } from "./retry";
export type { BackoffOptions } from "./backoff";
export type { AnswerTaken, DuelEvents, DuelResult, DuelView, PlayerRoundResult, PlayerView, RoundResult, DuelSessionOptions } from "./DuelSession";
export type { Standing, Mode, Direction, Phase, Verdict, AlmostReason } from "../rooms/word-duel/messages";
export { ClassSession };
export type { ClassEvents, ClassPlayerView, ClassReveal, ClassRole, ClassView, TallyView } from "./ClassSession";
export type { ClassInfo, ClassPhase, ClassReportMessage } from "../rooms/class-game/messages";
/** A class game's settings: `lang` and `mode`, the rest optional (see docs/protocol/rooms.md). */
export type ClassGameOptions = Pick<ClassOptions, "lang" | "mode"> & Partial<Omit<ClassOptions, "lang" | "mode" | "schema">>;

export type { User, Profile, LessonSummary, LessonPack, OfflineAnswer, OfflinePractice, OfflineReceipt, LeaderboardPage, LeaderboardRow, LeaguePage, LeagueStanding, LeagueOutcome, LeagueZone };
/** A language on offer. */
export type Language = LanguageInfo;
/** A lesson with its words. */
export type Lesson = LessonDetail;

/** Options of a duel: the language, the mode and (optionally) the direction. */
export type DuelOptions = Omit<DuelJoinOptions, "direction" | "lessonId" | "schema"> & { direction?: DuelJoinOptions["direction"]; lessonId?: string };

/** How a LinguaLeapClient reaches the servers, and how long it waits. */
export interface LinguaLeapClientOptions {
  /** A token kept from an earlier sign-in. */
  token?: string;
  /** Reconnection and answer timing of every duel. */
  session?: DuelSessionOptions;
  /** Time limits in ms (defaults: 10 s per request, matchmaking request and room join; 2 s per probe). */
  timeouts?: Partial<Timeouts>;
  /** How a request no endpoint could serve is sent again (default: 3 retries, backoff 0.4 s doubling to 3 s). */
  retry?: Partial<RetryOptions>;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

/**
 * The entry point of the SDK: one per learner (it holds their token).
 *
 * Give it the one address the learner uses (a proxy in front of the cluster, or the only
 * process), or the list of the cluster's processes: every HTTP request goes to the endpoint
 * that last worked, and moves to the next one when it refuses connections, fails, or
 * answers 502/503/504 (a process draining, the cluster's Redis down), with bounded retries.
 * @example
 * const ll = new LinguaLeapClient("http://127.0.0.1:2567");
 * await ll.login("maria_1", "a long password");
 * const { xp, level, streak } = await ll.me();
 * @example
 * const ll = new LinguaLeapClient(["http://10.0.0.5:2567", "http://10.0.0.6:2567"], { timeouts: { matchmakeMs: 15_000 } });
 */
export class LinguaLeapClient {
  private readonly http: HttpTransport;
  private readonly matchmaker: Matchmaker;
  private readonly timeouts: Timeouts;
  /** The current token (set by sign-in; keep it to stay signed in across reloads). */
  token?: string;
  /** The current learner, once signed in. */
  user?: User;

  /**
   * @param endpoints the server's address, e.g. "http://127.0.0.1:2567" or "https://play.example.org", or several
   * @param options see LinguaLeapClientOptions
   * @example const ll = new LinguaLeapClient("http://127.0.0.1:2567", { token: localStorage.token });
   */
  constructor(endpoints: string | readonly string[], options: LinguaLeapClientOptions = {}) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    const retry = { ...DEFAULT_RETRY, ...options.retry };
    this.http = new HttpTransport(new EndpointPool(normalizeEndpoints(endpoints)), retry, options.fetch);
    this.matchmaker = new Matchmaker(this.http, this.timeouts);
    this.sessionOptions = options.session ?? {};
    if (options.token) this.useToken(options.token);
  }

  /**
   * The endpoints, in order, as the SDK reads them.
   * @example new LinguaLeapClient("http://127.0.0.1:2567/").endpoints // ["http://127.0.0.1:2567"]
   */
  get endpoints(): readonly string[] {
    return this.http.pool.endpoints;
  }

  /**
   * The endpoint the next request goes to (the one that last worked).
   * @example await ll.me(); console.log("served by", ll.endpoint);
   */
  get endpoint(): string {
    return this.http.pool.current;
  }

  private readonly sessionOptions: DuelSessionOptions;

  private get classOptions(): ClassSessionOptions {
    return { backoff: this.sessionOptions.backoff };
  }

  private useToken(token: string): void {
    this.token = token;
    this.matchmaker.setToken(token);
  }

  private async request<T>(method: "GET" | "POST" | "PUT", path: string, body?: unknown, resendable = true): Promise<T> {
    const answer = await this.http.send({ method, path, body, token: this.token, timeoutMs: this.timeouts.requestMs, resendable: method !== "POST" || resendable });
    if (answer.status < 200 || answer.status >= 300) throw fromAnswer(answer.status, answer.data);
    return answer.data as T;
  }

  private async signIn(path: string, body: unknown, resendable = true): Promise<User> {
    const { token, user } = await this.request<Session>("POST", path, body, resendable);
    this.useToken(token);
    this.user = user;
    return user;
  }

  /**
   * Plays as a guest under a display name; `timeZone` (IANA, e.g. "Europe/Madrid") sets
   * the days a daily streak counts in (UTC by default).
   * @example const user = await ll.signInAsGuest("Ana", { timeZone: "Europe/Madrid" });
   */
  signInAsGuest(name: string, options: { timeZone?: string; uiLang?: string } = {}): Promise<User> {
    return this.signIn("/api/auth/guest", { name, ...options });
  }

  /**
   * Creates an account (username 3–24 letters, digits or _; password 8–128 characters).
   * Signed in as a guest, it turns that guest into the account, keeping their progress.
   * @example await ll.register("maria_1", "a long password", { timeZone: "Europe/Madrid" });
   */
  register(username: string, password: string, options: { timeZone?: string; uiLang?: string } = {}): Promise<User> {
    // Sent twice after a lost answer, it would find its own account taken: never resent.
    return this.signIn("/api/auth/register", { username, password, ...options }, false);
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
    this.matchmaker.setToken(undefined);
  }

  /**
   * The learner's profile: XP, level, streak, ratings.
   * @example const { xp, level } = await ll.me();
   */
  me(): Promise<Profile> {
    return this.request("GET", "/api/me");
  }

  /**
   * Keeps the interface language (one of en, es, fr, de, it, pt) for the account: the
   * profile's `user.uiLang` on every device.
   * @example await ll.setInterfaceLanguage("fr");
   */
  async setInterfaceLanguage(uiLang: string): Promise<void> {
    await this.request("PUT", "/api/me/ui-language", { uiLang });
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
   * A lesson with the judge's rules, to practise it offline (keep it on the device).
   * @example const pack = await ll.lessonPack("es-food");
   */
  lessonPack(id: string): Promise<LessonPack> {
    return this.request("GET", `/api/lessons/${encodeURIComponent(id)}/pack`);
  }

  /**
   * Sends a practice played offline. Safe to send again after a lost answer: its `id`
   * records it once ("duplicate" the next times). A refusal is a LinguaLeapError whose code
   * (OFFLINE_*) says why; drop the practice then, it will never be taken.
   * @example const receipt = await ll.sendOfflinePractice({ id: crypto.randomUUID(), lessonId: "es-food", direction: "en-target", startedAt, finishedAt, answers });
   */
  sendOfflinePractice(practice: OfflinePractice): Promise<OfflineReceipt> {
    return this.request("POST", "/api/practice/offline", practice);
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
    return this.openPrivate("creating a challenge", { ...options, challenge: true });
  }

  /**
   * Opens a party for 3–8 friends and returns its code (they join with `joinParty`); you are
   * its creator: `duel.start()` once at least 3 players are there.
   * @example
   * const { code, duel } = await ll.createParty({ lang: "es", mode: "choice" }); // share `code`
   * duel.on("state", (v) => startButton.disabled = v.players.filter((p) => p.connected).length < 3);
   * startButton.onclick = () => duel.start();
   */
  async createParty(options: DuelOptions): Promise<{ code: string; duel: DuelSession }> {
    return this.openPrivate("creating a party", { ...options, party: true });
  }

  /** A private duel (challenge or party) created, and its code once the state has it. */
  private async openPrivate(doing: string, options: Record<string, unknown>): Promise<{ code: string; duel: DuelSession }> {
    const duel = await this.open(doing, () => this.matchmaker.join("create", ROOM_WORD_DUEL, { ...options, [SCHEMA_OPTION]: DUEL_SCHEMA_ID }));
    const code = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new LinguaLeapError("TIMEOUT", "the code did not arrive")), 10_000);
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
   * What a friend's code (any case) leads to: the room, its language and mode, and whether it
   * is a party (`party: true`) or a challenge.
   * @example const { party } = await ll.lookupCode("k7qx2m");
   */
  lookupCode(code: string): Promise<ChallengeInfo & { code: string }> {
    return this.request("GET", `/api/challenges/${encodeURIComponent(code.trim())}`);
  }

  /**
   * Joins a friend's challenge or party by its code (any case).
   * @example const duel = await ll.joinChallenge("k7qx2m");
   */
  async joinChallenge(code: string): Promise<DuelSession> {
    const info = await this.lookupCode(code);
    const { lang, mode, direction } = info;
    return this.open("joining a challenge", () => this.matchmaker.join("joinById", info.roomId, { lang, mode, direction, code: info.code, [SCHEMA_OPTION]: DUEL_SCHEMA_ID }));
  }

  /**
   * Joins a friend's party by its code (any case): the same as joinChallenge, for the
   * reader's sake. The party starts when its creator starts it.
   * @example const duel = await ll.joinParty("k7qx2m"); duel.on("phase", ({ phase }) => phase === "countdown" && show("get ready"));
   */
  joinParty(code: string): Promise<DuelSession> {
    return this.joinChallenge(code);
  }

  /**
   * Watches a running duel or party by its room id (a watch link's `?watch=<roomId>`):
   * read-only, no seat taken; the same view and events as a player's, without answering.
   * Signed in (a guest will do). Refused for a practice (ROOM_NOT_WATCHABLE) or a room with
   * as many watchers as it takes (ROOM_WATCHERS_FULL).
   * @example const watch = await ll.watch(duel.roomId); watch.on("state", (v) => show(`${v.watching} watching`));
   */
  async watch(roomId: string): Promise<WatchSession> {
    return new WatchSession(this.matchmaker, await this.connect("watching a duel", () => this.matchmaker.join("watch", roomId, {})));
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
    const enter = async () => (await this.connect("looking for a duel", () => this.matchmaker.join("joinOrCreate", ROOM_RANKED_QUEUE, { ...options, [SCHEMA_OPTION]: DUEL_SCHEMA_ID }))).room;
    return RankedSearch.open(this.matchmaker, enter, this.sessionOptions);
  }

  /**
   * Creates a class game you host (a projector screen: you never play). Resolves once its
   * PIN is listed; players join with `joinClassGame(pin)`, or the link `/?class=<pin>`.
   * @example
   * const { host, pin } = await ll.createClassGame({ lang: "es", mode: "choice", lessonIds: ["es-food"], rounds: 10 });
   * host.on("state", (v) => showLobby(v.players));
   * await host.start();
   */
  async createClassGame(options: ClassGameOptions): Promise<{ host: ClassSession; pin: string }> {
    const seat = await this.connect("creating a class game", () => this.matchmaker.join("create", ROOM_CLASS_GAME, { ...options, [SCHEMA_OPTION]: CLASS_SCHEMA_ID }));
    const host = new ClassSession(this.matchmaker, seat, "host", this.classOptions);
    return { host, pin: await host.pin() };
  }

  /**
   * What a class game's PIN leads to (no sign-in needed).
   * @example const { hostName, lang } = await ll.lookupClassGame("482913");
   */
  lookupClassGame(pin: string): Promise<ClassInfo> {
    return this.request<ClassInfo>("GET", `/api/class/${encodeURIComponent(pin.trim())}`);
  }

  /**
   * Joins a class game by its PIN. Signed out, `name` makes a guest for this game (checked
   * for length, characters and the profanity filter: CLASS_NAME_REFUSED); signed in, the
   * learner plays under their own name. A name someone in the game has already is refused
   * with CLASS_NAME_TAKEN: sign out and choose another.
   * @example const game = await ll.joinClassGame("482913", { name: "Ana" });
   */
  async joinClassGame(pin: string, options: { name?: string; timeZone?: string } = {}): Promise<ClassSession> {
    if (this.token) {
      const info = await this.lookupClassGame(pin);
      return new ClassSession(this.matchmaker, await this.connect("joining a class game", () => this.matchmaker.join("joinById", info.roomId, { [SCHEMA_OPTION]: CLASS_SCHEMA_ID })), "player", this.classOptions);
    }
    if (!options.name) throw new LinguaLeapError("CLASS_NAME_REFUSED", "choose a name to join the class game with");
    const joined = await this.request<Session & { game: ClassInfo }>("POST", `/api/class/${encodeURIComponent(pin.trim())}/guest`, { name: options.name, ...(options.timeZone ? { timeZone: options.timeZone } : {}) }, false);
    this.useToken(joined.token);
    this.user = joined.user;
    try {
      return new ClassSession(this.matchmaker, await this.connect("joining a class game", () => this.matchmaker.join("joinById", joined.game.roomId, { [SCHEMA_OPTION]: CLASS_SCHEMA_ID })), "player", this.classOptions);
    } catch (err) {
      // The room refused this guest (a name taken meanwhile, the game full or over): signed out
      // again, so the next try with another name makes its own guest.
      this.signOut();
      throw err;
    }
  }

  /**
   * Back into a class game after a reload (keep `session.roomId` and the token): the server
   * gives this account its seat again — the host's screen, or a player's name and score.
   * @example const host = await ll.rejoinClassGame(sessionStorage.classRoom, "host");
   */
  async rejoinClassGame(roomId: string, role: Exclude<ClassRole, "watcher"> = "player"): Promise<ClassSession> {
    const seat = await this.connect("rejoining a class game", () => this.matchmaker.join("joinById", roomId, { ...(role === "host" ? { host: true } : {}), [SCHEMA_OPTION]: CLASS_SCHEMA_ID }));
    return new ClassSession(this.matchmaker, seat, role, this.classOptions);
  }

  /**
   * Watches a class game by its PIN (read-only: the question, the reveal, the top five; no
   * answers and no player's record).
   * @example const watch = await ll.watchClassGame("482913");
   */
  async watchClassGame(pin: string): Promise<ClassSession> {
    const info = await this.lookupClassGame(pin);
    const seat = await this.connect("watching a class game", () => this.matchmaker.join("watch", info.roomId, {}));
    return new ClassSession(this.matchmaker, seat, "watcher", this.classOptions);
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
   * The learner's weekly league: this week's tier, their cohort ranked by the week's XP with
   * each row's zone (`up` promoted, `down` demoted, `stay`), their own rank, when the week
   * ends, and what the last week that ended did to them. Before their first XP of the week,
   * `joined` is false and `cohort` and `me` are null. Signed in.
   * @example
   * const page = await ll.league();
   * if (page.joined) console.log(`${page.tierName}: #${page.me!.rank} with ${page.me!.xp} XP`);
   * if (page.last) console.log(page.last.message); // "Promoted to Silver"
   */
  league(): Promise<LeaguePage> {
    return this.request("GET", "/api/leagues/me");
  }

  /**
   * Watches the top 10 of a board live (no sign-in needed).
   * @example const live = await ll.watchLeaderboard("global", "weekly"); live.on("change", render);
   */
  async watchLeaderboard(board: string, period: "alltime" | "weekly" = "alltime"): Promise<LiveBoard> {
    try {
      return new LiveBoard((await this.matchmaker.join("joinOrCreate", ROOM_LEADERBOARD, { board, period })).room);
    } catch (err) {
      throw fromRoomError(err);
    }
  }

  /** Into a duel room, saying which duel schema this SDK has compiled in (the server then skips describing it). */
  private join(roomName: string, options: Record<string, unknown>): Promise<DuelSession> {
    return this.open("joining a duel", () => this.matchmaker.join("joinOrCreate", roomName, { ...options, [SCHEMA_OPTION]: DUEL_SCHEMA_ID }));
  }

  private async open(doing: string, connect: () => Promise<Seat>): Promise<DuelSession> {
    return new DuelSession(this.matchmaker, await this.connect(doing, connect), this.sessionOptions);
  }

  /** Every way into a room: signed in first, and matchmaking errors as LinguaLeapErrors. */
  private async connect(doing: string, connect: () => Promise<Seat>): Promise<Seat> {
    if (!this.token) throw new LinguaLeapError("AUTH_MISSING_TOKEN", `sign in before ${doing}`);
    try {
      return await connect();
    } catch (err) {
      throw fromRoomError(err);
    }
  }
}
