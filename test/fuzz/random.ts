/**
 * The fuzz suite's one source of randomness: a seeded generator (loadtest/support/rng.ts) with
 * the draws the generators need. Every stream is derived from the run's seed, so a failing
 * run is replayed with `LL_FUZZ_SEED=<seed printed by the run>`.
 */
import { randomInt } from "node:crypto";
import { seededRng } from "../../loadtest/support/rng";

/** The run's seed: LL_FUZZ_SEED, or a fresh one (printed, so any run can be replayed). */
export function fuzzSeed(): number {
  const fromEnv = process.env.LL_FUZZ_SEED;
  if (fromEnv === undefined || fromEnv === "") return randomInt(1, 2 ** 31);
  const seed = Number(fromEnv);
  if (!Number.isSafeInteger(seed)) throw new Error(`LL_FUZZ_SEED must be a whole number, got "${fromEnv}"`);
  return seed;
}

export class Rand {
  private readonly next: () => number;

  /** `stream` separates independent sequences drawn from one seed (one per worker). */
  constructor(seed: number, stream = 0) {
    this.next = seededRng((seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next();
  }

  /** A whole number in [min, max] (both included). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** One of `entries`, each as likely as its weight. */
  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    const total = entries.reduce((sum, [w]) => sum + w, 0);
    let left = this.next() * total;
    for (const [weight, value] of entries) {
      left -= weight;
      if (left < 0) return value;
    }
    return entries[entries.length - 1][1];
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  /** A string of `length` characters drawn from `alphabet`. */
  text(length: number, alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** Text mixing ASCII, accents, emoji, right-to-left marks, zero-width and control characters. */
  oddText(length: number): string {
    const pieces = ["a", "Z", "ñ", "é", "ß", "😀", "👩‍👩‍👧", "\u202e", "\u200b", "\u0000", "\u001b", "\ufeff", "\ud800", "\udfff", "𝕏", "ｷ", "\n", "\"", "\\", "'", "<", "%", "{"];
    let out = "";
    while (out.length < length) out += this.pick(pieces);
    return out.slice(0, length);
  }
}
