/**
 * Ranked pairing, pure: who meets whom, and who gets a bot. The queue room calls
 * {@link pairUp} on every tick with the learners still waiting.
 *
 * The acceptable rating gap starts narrow and widens with waiting time, so close opponents
 * are preferred and nobody waits for ever; a pair must suit both (the smaller of the two
 * gaps). Learners who wait longest choose first, each the closest rating that fits.
 *
 * Each process pairs its own learners first; those left over are listed cluster-wide, and
 * {@link pickRemote} picks one of another process's listed learners by the same rule.
 */

export interface QueueEntry {
  id: string;
  rating: number;
  /** Learners meet only with the same key (mode and direction). */
  key: string;
  /** When the learner joined the queue (epoch ms). */
  since: number;
}

export interface PairingPolicy {
  /** Gap accepted at once. */
  baseGap: number;
  /** Added for every second of waiting. */
  gapPerSecond: number;
  /** The gap never widens past this. */
  maxGap: number;
  /** After this long without an opponent, a bot steps in (0: never). */
  botAfterMs: number;
}

export const DEFAULT_POLICY: PairingPolicy = { baseGap: 100, gapPerSecond: 50, maxGap: 800, botAfterMs: 8000 };

/**
 * The rating gap a learner accepts after waiting `waitedMs`.
 * @example acceptableGap(4000, DEFAULT_POLICY) // 300
 */
export function acceptableGap(waitedMs: number, policy: PairingPolicy): number {
  return Math.min(policy.maxGap, policy.baseGap + (policy.gapPerSecond * Math.max(0, waitedMs)) / 1000);
}

export interface Pairing<T extends QueueEntry> {
  pairs: [T, T][];
  /** Learners who have waited long enough for a bot. */
  bots: T[];
}

/**
 * Pairs the waiting learners. Entries not returned keep waiting.
 * @example pairUp([{ id: "a", rating: 1200, key: "choice", since: 0 }, { id: "b", rating: 1250, key: "choice", since: 0 }], 0, DEFAULT_POLICY).pairs // [[a, b]]
 */
export function pairUp<T extends QueueEntry>(entries: readonly T[], now: number, policy: PairingPolicy): Pairing<T> {
  const byWait = [...entries].sort((a, b) => a.since - b.since || (a.id < b.id ? -1 : 1));
  const taken = new Set<string>();
  const pairs: [T, T][] = [];
  const bots: T[] = [];
  for (const a of byWait) {
    if (taken.has(a.id)) continue;
    const gapA = acceptableGap(now - a.since, policy);
    let best: T | undefined;
    for (const b of byWait) {
      if (b === a || taken.has(b.id) || b.key !== a.key) continue;
      const diff = Math.abs(a.rating - b.rating);
      if (diff > Math.min(gapA, acceptableGap(now - b.since, policy))) continue;
      if (!best || diff < Math.abs(a.rating - best.rating)) best = b;
    }
    if (best) {
      taken.add(a.id).add(best.id);
      pairs.push([a, best]);
    } else if (policy.botAfterMs > 0 && now - a.since >= policy.botAfterMs) {
      taken.add(a.id);
      bots.push(a);
    }
  }
  return { pairs, bots };
}

/**
 * The ratings `entry` may meet now (its own accepted gap either side): where to look for
 * an opponent among other processes' learners.
 * @example searchWindow({ id: "a", rating: 1200, key: "choice", since: 0 }, 4000, DEFAULT_POLICY) // { min: 900, max: 1500 }
 */
export function searchWindow(entry: QueueEntry, now: number, policy: PairingPolicy): { min: number; max: number } {
  const gap = acceptableGap(now - entry.since, policy);
  return { min: entry.rating - gap, max: entry.rating + gap };
}

/** Whether `a` has waited longer than `b` (ties: the smaller id), the order {@link pairUp} uses. */
function waitedLonger(a: QueueEntry, b: QueueEntry): boolean {
  return a.since < b.since || (a.since === b.since && a.id < b.id);
}

/**
 * Which learner of another process `own` should meet, among `candidates` (from the
 * cluster-wide pool): the closest rating that both accept now, with the same key, as in
 * {@link pairUp}. When `own` is in the pool too (`ownListed`), a candidate who has waited
 * longer is left to make that pair from its own process (the longer waiter chooses), so two
 * processes do not reach for each other's learners at once; a learner only this process
 * knows may take anyone.
 * @example pickRemote({ id: "a", rating: 1200, key: "choice", since: 0 }, [{ id: "b", rating: 1260, key: "choice", since: 10 }], 0, DEFAULT_POLICY, true)?.id // "b"
 */
export function pickRemote<T extends QueueEntry>(own: QueueEntry, candidates: readonly T[], now: number, policy: PairingPolicy, ownListed: boolean): T | undefined {
  const gapOwn = acceptableGap(now - own.since, policy);
  let best: T | undefined;
  for (const c of candidates) {
    if (c.id === own.id || c.key !== own.key || (ownListed && waitedLonger(c, own))) continue;
    const diff = Math.abs(own.rating - c.rating);
    if (diff > Math.min(gapOwn, acceptableGap(now - c.since, policy))) continue;
    if (!best || diff < Math.abs(own.rating - best.rating)) best = c;
  }
  return best;
}
