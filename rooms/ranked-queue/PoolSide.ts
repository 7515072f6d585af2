/**
 * One queue room's side of the cluster-wide pool (RedisPool.ts): which of its learners are
 * listed there, taking its own listed learners before pairing them, finding and taking
 * other processes' learners, and noticing a listing that someone else took.
 *
 * A learner's listing is owned by whoever removes it from the pool: the room itself (to
 * pair it here or bring a bot), another process (which then hands the learner its seat
 * through {@link RankedQueueRoom.handOff}), or nobody when the pool dropped it (its room
 * had stopped beating). A listing missing from the pool is waited on for TAKEN_WAIT_MS (a
 * hand-off may be on its way), then the learner is listed again under a new nonce, so a
 * late hand-off for the old listing is refused.
 */
import type { Client } from "@colyseus/core";
import type { Identity } from "../shared/identity";
import type { RoomLog } from "../shared/GuardedRoom";
import { pickRemote, searchWindow, type PairingPolicy, type QueueEntry } from "./pairing.rules";
import type { Found, PoolMember, PoolRef, QueuePool } from "./RedisPool";
import { ROOM_TTL_MS } from "./RedisPool";
import type * as msg from "./messages";
import { DIRECTIONS, MODES } from "../word-duel/messages";

/** A learner waiting in this room. */
export interface Entry extends QueueEntry {
  client: Client;
  identity: Identity;
  options: msg.QueueJoinOptions;
  /** waiting: may be paired; matching: a duel is being set up; taken: its listing went, a hand-off may come; gone: left the room. */
  state: "waiting" | "matching" | "taken" | "gone";
  /** Where the learner is listed in the pool (kept while taken, to recognise the hand-off). */
  listing?: PoolRef;
  takenAt?: number;
}

/** Another process's learner, taken from the pool. */
export interface Remote extends QueueEntry {
  member: PoolMember;
  ref: PoolRef;
}

/** How long a learner whose listing went waits for a hand-off before being listed again. */
const TAKEN_WAIT_MS = 3000;
/** At most this many learners look into the pool per tick (the oldest first). */
const LOOKS_PER_TICK = 64;
/** Candidates read per rating window. */
const CANDIDATES = 16;

export class PoolSide {
  private nonce = 0;
  /** Rooms whose hand-off failed: skipped until then (their process may have died). */
  private readonly suspects = new Map<string, number>();

  constructor(
    private readonly pool: QueuePool,
    private readonly roomId: string,
    private readonly lang: string,
    private readonly log: RoomLog,
  ) {}

  /**
   * Takes the listed learners of each group from the pool; returns the groups that are
   * whole (a group with nobody listed needs no call). A learner whose listing was gone is
   * marked taken.
   */
  async claim(groups: Entry[][], now: number): Promise<Entry[][]> {
    const masks = await this.pool.claim(groups.map((g) => g.flatMap((e) => (e.listing ? [e.listing] : []))));
    return groups.filter((group, i) => {
      if (masks[i] === 0) return true;
      group.filter((e) => e.listing).forEach((e, bit) => masks[i] & (1 << bit) && this.taken(e, now));
      return false;
    });
  }

  /**
   * For learners no one here fits, another process's listed learner each (pickRemote),
   * taken from the pool together with the learner's own listing.
   */
  async across(left: Entry[], now: number, policy: PairingPolicy): Promise<[Entry, Remote][]> {
    const looking = [...left].sort((a, b) => a.since - b.since).slice(0, LOOKS_PER_TICK);
    if (looking.length === 0) return [];
    const found = await this.pool.find(looking.map((e) => ({ key: this.keyOf(e), ...searchWindow(e, now, policy) })), CANDIDATES);
    const chosen = new Set<string>();
    const plans: [Entry, Remote][] = [];
    looking.forEach((own, i) => {
      const candidates = found[i].filter((f) => f.member.roomId !== this.roomId && !this.isSuspect(f.member.roomId, now)).map((f) => this.remote(own, f)).filter((r) => !chosen.has(r.ref.member));
      // Ids as every process writes them (room/session), so all agree who waited longer.
      const pick = own.state === "waiting" ? pickRemote({ ...own, id: `${this.roomId}/${own.id}` }, candidates, now, policy, own.listing !== undefined) : undefined;
      if (!pick) return;
      chosen.add(pick.ref.member);
      plans.push([own, pick]);
    });
    const masks = await this.pool.claim(plans.map(([own, r]) => (own.listing ? [own.listing, r.ref] : [r.ref])));
    return plans.filter(([own], i) => {
      if (masks[i] === 0) return true;
      if (own.listing && masks[i] & 1) this.taken(own, now);
      return false;
    });
  }

  /** Renews this room's liveness and lists the waiting learners not listed yet. */
  async list(entries: Iterable<Entry>): Promise<void> {
    const adds: Entry[] = [];
    for (const e of entries) {
      if (e.state !== "waiting" || e.listing) continue;
      const { userId, name, guest } = e.identity;
      const member: PoolMember = { roomId: this.roomId, sessionId: e.id, rating: e.rating, since: e.since, identity: { userId, name, guest }, nonce: ++this.nonce, ...(e.options.schema ? { schema: e.options.schema } : {}) };
      e.listing = { key: this.keyOf(e), member: JSON.stringify(member), roomId: this.roomId };
      adds.push(e);
    }
    try {
      await this.pool.beat(this.roomId, adds.map((e) => ({ key: e.listing!.key, rating: e.rating, member: e.listing!.member })));
    } catch (err) {
      for (const e of adds) if (e.state === "waiting") e.listing = undefined; // listed again next tick
      throw err;
    }
  }

  /** Marks taken the learners whose listing is no longer in the pool; lists again those taken too long ago. */
  async check(entries: Entry[], now: number): Promise<void> {
    const listed = entries.filter((e) => e.state === "waiting" && e.listing);
    const present = await this.pool.listed(listed.map((e) => e.listing!));
    listed.forEach((e, i) => !present[i] && this.taken(e, now));
  }

  /** Learners whose listing went TAKEN_WAIT_MS ago with no hand-off wait again (listed anew). */
  release(entries: Iterable<Entry>, now: number): void {
    for (const e of entries) {
      if (e.state !== "taken" || now - (e.takenAt ?? 0) < TAKEN_WAIT_MS) continue;
      this.log.warn({ sessionId: e.id }, "ranked_queue: a learner's pool listing went without a hand-off; listed again");
      e.state = "waiting";
      e.listing = undefined;
    }
  }

  /** A learner taken from the pool whose duel could not be set up goes back as it was. */
  async putBack(r: Remote): Promise<void> {
    await this.pool.beat(this.roomId, [{ key: r.ref.key, rating: r.rating, member: r.ref.member }]);
  }

  /** The hand-off to this room failed: its learners are not taken for a while. */
  suspect(roomId: string, now: number): void {
    this.suspects.set(roomId, now + ROOM_TTL_MS);
  }

  /** Removes these learners' listings (they left, or were paired here). */
  async unlist(entries: Entry[]): Promise<void> {
    await this.pool.remove(entries.flatMap((e) => (e.listing ? [e.listing] : [])));
  }

  /** How many learners other rooms of this language list in the pool; with `sweep`, dead rooms' listings are dropped first. */
  async othersListed(entries: Iterable<Entry>, sweep: boolean): Promise<number> {
    const keys = MODES.flatMap((mode) => DIRECTIONS.map((direction) => this.pool.keyOf(this.lang, `${mode}/${direction}`)));
    const total = await (sweep ? this.pool.count(keys) : this.pool.size(keys));
    let ours = 0;
    for (const e of entries) if (e.listing && e.state === "waiting") ours++;
    return Math.max(0, total - ours);
  }

  /** This room closes: its learners' listings and its liveness go. */
  async close(entries: Entry[]): Promise<void> {
    await Promise.all([this.unlist(entries), this.pool.forget(this.roomId)]);
  }

  private keyOf(e: QueueEntry): string {
    return this.pool.keyOf(this.lang, e.key);
  }

  private remote(own: Entry, { raw, member: m }: Found): Remote {
    return { id: `${m.roomId}/${m.sessionId}`, rating: m.rating, key: own.key, since: m.since, member: m, ref: { key: this.keyOf(own), member: raw, roomId: m.roomId } };
  }

  private isSuspect(roomId: string, now: number): boolean {
    const until = this.suspects.get(roomId);
    if (until === undefined) return false;
    if (until > now) return true;
    this.suspects.delete(roomId);
    return false;
  }

  private taken(e: Entry, now: number): void {
    if (e.state !== "waiting") return; // handed off meanwhile (gone), or already taken
    e.state = "taken";
    e.takenAt = now;
  }
}
