/**
 * One class game played through the real client-sdk, as a classroom does: a host (the
 * teacher's screen) creates it and waits for its players; P phones join by PIN (a guest each,
 * POST /api/class/:pin/guest, then joinById); the host starts, and after each reveal presses
 * next (or the game advances by itself, --auto); each phone answers every round after a think
 * time (uniform in 0.5–1.5 × think, never past the round's end), right with probability
 * `accuracy` (learner/answers.ts picks from the decks).
 *
 * Measured here: answer→patch (answer sent → the first patch showing the phone's own
 * `answeredRound` = round, which is when ClassSession.answer resolves), the join (guest +
 * PIN lookup + seat + WebSocket), and the bytes every room socket receives (bench/cost-wire.ts:
 * frames with their headers) in the lobby and from the start to the podium.
 */
import { performance } from "node:perf_hooks";
import { LinguaLeapClient, LinguaLeapError, type ClassSession } from "../../../client-sdk";
import { pickAnswer } from "../../learner/answers";
import { wireOf, type Tally, type WireCount } from "../../bench/cost-wire";
import type { ClassroomOptions } from "./options";

/** One game as a shard runs it: which server each of its clients talks HTTP to, and when each phone joins. */
export interface GamePlan {
  index: number;
  hostEndpoint: string;
  players: { endpoint: string; joinAfterMs: number }[];
}

export type PlayOptions = Pick<ClassroomOptions, "lang" | "mode" | "direction" | "accuracy" | "thinkMs" | "revealMs" | "auto" | "rounds">;

/** What one game came to. */
export interface GameOutcome {
  game: number;
  created: boolean;
  started: boolean;
  finished: boolean;
  /** The host got the class report after the podium. */
  report: boolean;
  joined: number;
  /** Phones that saw the podium. */
  podiums: number;
  rounds: number;
  failure?: string;
}

/** A room socket's bytes: in the lobby (upgrade → the start) and from the start to the podium, by frame code. */
export interface SocketBytes {
  /** Rounds played between the start and the podium. */
  rounds: number;
  lobby: number;
  game: number;
  gameFrames: number;
  byCode: Record<string, Tally>;
}

/** Everything the games of one shard measured; merged by the run. */
export class ClassMetrics {
  answerPatch: number[] = [];
  join: number[] = [];
  /** A join's steps: the guest's HTTP request (PIN checked, account made), the seat's (matchmaking), the rest (WebSocket and join handshake). */
  joinSteps: { guest: number[]; seat: number[]; socket: number[] } = { guest: [], seat: [], socket: [] };
  phones: SocketBytes[] = [];
  hosts: SocketBytes[] = [];
  answers = { sent: 0, meantRight: 0, accepted: 0 };
  errors: Record<string, number> = {};
  examples: Record<string, string> = {};
  /** Sessions holding a WebSocket now. */
  ccu = 0;
  /** Games whose host has started them. */
  started = 0;

  error(err: unknown): void {
    const e = err instanceof LinguaLeapError ? err : new LinguaLeapError("UNEXPECTED", err instanceof Error ? (err.stack ?? err.message) : String(err));
    this.errors[e.code] = (this.errors[e.code] ?? 0) + 1;
    this.examples[e.code] ??= e.message.slice(0, 300);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** Resolves when `pick` holds on the session's view (checked now and on every state), or rejects after `ms`. */
function until(session: ClassSession, pick: (s: ClassSession) => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => pick(session) && done(resolve);
    const offs = [session.on("state", check), session.on("closed", () => done(() => reject(new LinguaLeapError("LOADTEST_CLOSED", `the session closed while waiting for ${what}`))))];
    const timer = setTimeout(() => done(() => reject(new LinguaLeapError("LOADTEST_TIMEOUT", `${what}: not within ${ms} ms`))), ms);
    const done = (fn: () => void) => (offs.forEach((off) => off()), clearTimeout(timer), fn());
    check();
  });
}

/**
 * Counts one room socket's bytes: marks the start (the countdown) and freezes the count on
 * the podium's frame (cost-wire counts a frame after colyseus.js has handled it, so the
 * podium's own frame is in).
 */
function meterSocket(session: ClassSession, into: SocketBytes[]): (rounds: number) => void {
  const wire = wireOf(session.sessionId);
  let atStart: { bytes: number; byCode: Record<string, Tally> } | undefined;
  const off = session.on("phase", ({ phase }) => {
    if (!wire) return;
    if (phase === "countdown") atStart = { bytes: wire.data.bytes, byCode: structuredClone(wire.byCode) };
    if (phase === "podium") wire.endAfterThisFrame = true;
  });
  return (rounds) => {
    off();
    if (!wire || !atStart || !wire.frozen || rounds === 0) return;
    into.push({ rounds, ...gameBytes(wire, atStart) });
  };
}

function gameBytes(wire: WireCount, atStart: { bytes: number; byCode: Record<string, Tally> }): Omit<SocketBytes, "rounds"> {
  const byCode: Record<string, Tally> = {};
  for (const [code, t] of Object.entries(wire.byCode)) {
    const before = atStart.byCode[code] ?? { frames: 0, bytes: 0 };
    byCode[code] = { frames: t.frames - before.frames, bytes: t.bytes - before.bytes };
  }
  const game = Object.values(byCode).reduce((n, t) => n + t.bytes, 0);
  const gameFrames = Object.values(byCode).reduce((n, t) => n + t.frames, 0);
  return { lobby: atStart.bytes, game, gameFrames, byCode };
}

/** The global fetch, adding each request's time (to its answer's headers) to the guest step or the seat step. */
function timedFetch(into: { guest: number; seat: number }): typeof fetch {
  return async (input, init) => {
    const t0 = performance.now();
    try {
      return await fetch(input, init);
    } finally {
      into[String(input).includes("/matchmake/") ? "seat" : "guest"] += performance.now() - t0;
    }
  };
}

/** Counts errors the server sends on its own (not the refusal of a call this bot is waiting on). */
function countUnasked(session: ClassSession, m: ClassMetrics, asking: () => boolean): void {
  session.on("error", (e) => {
    if (!asking()) m.error(e);
  });
}

/** One phone: joins at its time, answers every round, leaves after the podium. */
class Phone {
  session?: ClassSession;
  sawPodium = false;
  private answering = false;
  /** This bot is leaving: its session's close is no error. */
  private leaving = false;

  constructor(
    private readonly game: number,
    private readonly seat: number,
    private readonly opts: PlayOptions,
    private readonly m: ClassMetrics,
    private readonly rng: () => number,
  ) {}

  async join(endpoint: string, pin: string): Promise<void> {
    const http = { guest: 0, seat: 0 };
    const ll = new LinguaLeapClient(endpoint, { fetch: timedFetch(http) });
    const t0 = performance.now();
    const session = await ll.joinClassGame(pin, { name: `Kid ${this.seat + 1}` });
    const ms = performance.now() - t0;
    this.m.join.push(ms);
    this.m.joinSteps.guest.push(http.guest);
    this.m.joinSteps.seat.push(http.seat);
    this.m.joinSteps.socket.push(ms - http.guest - http.seat);
    this.session = session;
    this.m.ccu++;
    countUnasked(session, this.m, () => this.answering);
    session.on("round", (r) => void this.play(r));
    session.on("podium", () => (this.sawPodium = true));
    session.on("closed", ({ error }) => {
      this.m.ccu--;
      if (!this.sawPodium && !this.leaving) this.m.error(error ?? new LinguaLeapError("LOADTEST_CLOSED", `game ${this.game}, phone ${this.seat}: closed before the podium`));
    });
  }

  private async play(r: { round: number; prompt: string; choices: string[]; roundEndsAt: number; roundMs: number }): Promise<void> {
    const think = this.opts.thinkMs * (0.5 + this.rng());
    await sleep(Math.min(think, r.roundEndsAt - Date.now() - 300));
    const session = this.session!;
    if (session.view?.round !== r.round || session.view.phase !== "round") return;
    const pick = pickAnswer(r, this.opts, this.rng, (e) => this.m.error(e));
    this.m.answers.sent++;
    if (pick.right) this.m.answers.meantRight++;
    this.answering = true;
    const t0 = performance.now();
    try {
      await session.answer(pick.text);
      this.m.answerPatch.push(performance.now() - t0);
      this.m.answers.accepted++;
    } catch (err) {
      this.m.error(err);
    } finally {
      this.answering = false;
    }
  }

  /** Meters this phone's socket from now on; the returned function records it. */
  meter(): (rounds: number) => void {
    return meterSocket(this.session!, this.m.phones);
  }

  async leave(): Promise<void> {
    this.leaving = true;
    await this.session?.leave().catch(() => undefined);
  }
}

/**
 * Plays one class game to its podium (or its failure) and leaves; never throws. `stopped`
 * aborts the waits (the run's timeout).
 */
export async function playGame(plan: GamePlan, opts: PlayOptions, m: ClassMetrics, rng: () => number, stopped: Promise<void>): Promise<GameOutcome> {
  const out: GameOutcome = { game: plan.index, created: false, started: false, finished: false, report: false, joined: 0, podiums: 0, rounds: 0 };
  const phones = plan.players.map((_, i) => new Phone(plan.index, i, opts, m, rng));
  let host: ClassSession | undefined;
  const started = performance.now();
  try {
    const ll = new LinguaLeapClient(plan.hostEndpoint);
    await ll.signInAsGuest(`Teacher ${plan.index + 1}`);
    const made = await ll.createClassGame({ lang: opts.lang, mode: opts.mode, direction: opts.direction, rounds: opts.rounds, autoAdvance: opts.auto });
    host = made.host;
    m.ccu++;
    out.created = true;
    await Promise.race([hostGame(host, made.pin, plan, phones, opts, m, out, started), stopped.then(() => Promise.reject(new LinguaLeapError("LOADTEST_TIMEOUT", "the run's --timeout ended the game")))]);
  } catch (err) {
    out.failure = err instanceof Error ? `${(err as LinguaLeapError).code ?? "ERROR"}: ${err.message}` : String(err);
    m.error(err);
  }
  out.podiums = phones.filter((p) => p.sawPodium).length;
  await Promise.all([...phones.map((p) => p.leave()), host?.leave().catch(() => undefined)]);
  return out;
}

/** Every phone joins at its time; resolves with those that did, once the host sees them all. */
async function joinPhones(host: ClassSession, pin: string, plan: GamePlan, phones: Phone[], m: ClassMetrics, t0: number): Promise<Phone[]> {
  const joins = await Promise.allSettled(
    plan.players.map(async (p, i) => {
      await sleep(p.joinAfterMs - (performance.now() - t0));
      await phones[i].join(p.endpoint, pin);
    }),
  );
  for (const j of joins) if (j.status === "rejected") m.error(j.reason);
  const joined = phones.filter((p) => p.session);
  if (joined.length === 0) throw new LinguaLeapError("LOADTEST_NOBODY", "no phone could join");
  // A phone that gave up joining (TIMEOUT) after the server seated it keeps a seat, away: the host may see more.
  await until(host, (h) => (h.view?.playerCount ?? 0) >= joined.length, 15_000, `the host to see its ${joined.length} players`).catch((err: LinguaLeapError) => {
    throw new LinguaLeapError(err.code, `${err.message} (it sees ${host.view?.playerCount})`);
  });
  return joined;
}

/** The host's side: the players in, the start, a next after every reveal, the podium and the report. */
async function hostGame(host: ClassSession, pin: string, plan: GamePlan, phones: Phone[], opts: PlayOptions, m: ClassMetrics, out: GameOutcome, t0: number): Promise<void> {
  let commanding = false;
  let sawPodium = false;
  countUnasked(host, m, () => commanding);
  host.on("closed", ({ error }) => {
    m.ccu--;
    if (!sawPodium && out.failure === undefined) m.error(error ?? new LinguaLeapError("LOADTEST_CLOSED", `game ${plan.index}: the host's session closed before the podium`));
  });
  const report = new Promise<void>((resolve) => host.on("report", () => resolve()));
  const joined = await joinPhones(host, pin, plan, phones, m, t0);
  out.joined = joined.length;
  const recorders = [meterSocket(host, m.hosts), ...joined.map((p) => p.meter())];
  const command = async (what: () => Promise<void>) => {
    commanding = true;
    try {
      await what();
    } finally {
      commanding = false;
    }
  };
  const podium = new Promise<void>((resolve) => host.on("podium", () => ((sawPodium = true), resolve())));
  if (!opts.auto) {
    host.on("reveal", ({ round }) => {
      void sleep(opts.revealMs).then(() => {
        if (host.view?.phase !== "reveal" || host.view.round !== round) return;
        return command(() => host.next()).catch((err) => m.error(err));
      });
    });
  }
  await command(() => host.start());
  out.started = true;
  m.started++;
  await podium;
  out.rounds = host.view?.round ?? 0;
  out.finished = true;
  await Promise.race([report.then(() => (out.report = true)), sleep(10_000)]);
  // The podium's frame reaches every phone at about the same moment: give the last ones a little time.
  for (const deadline = performance.now() + 5000; performance.now() < deadline && !joined.every((p) => p.sawPodium); ) await sleep(50);
  for (const record of recorders) record(out.rounds);
}
