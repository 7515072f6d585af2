/**
 * Password hashing with scrypt (node:crypto) at OWASP's current cost: N = 2^17, r = 8, p = 1
 * (PASSWORD_SCRYPT_LOG2N), a random 16-byte salt per user, a 64-byte key, compared in
 * constant time. Stored as "scrypt$N$r$p$salt$hash" (base64url parts), so a hash made at an
 * older, lower cost still verifies and is replaced at the learner's next login.
 *
 * One hash at N = 2^17 takes 128 MiB and about a third of a second of a core. Hashes run on
 * libuv's thread pool, which also writes the outbox file: at most {@link CONCURRENT} run at
 * once, the rest wait their turn, so a burst of sign-ins can neither exhaust memory nor
 * starve the pool.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

const R = 8;
const P = 1;
const KEY_LENGTH = 64;
/** Hashes running at once. */
const CONCURRENT = 2;
/** Highest cost a stored hash may ask for (2^20): a larger N in the database is not ours. */
const MAX_LOG2N = 20;

/** Memory scrypt needs for N and r (128·N·r bytes), with room to spare. */
const maxmem = (n: number, r: number) => 256 * n * r;

/** A first-come queue of at most `limit` tasks running at once. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((r) => waiting.push(r));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

export interface Verified {
  ok: boolean;
  /** The hash is at a lower cost than new hashes: store a fresh one now that the password is known. */
  stale: boolean;
}

export class PasswordHasher {
  private readonly n: number;
  private readonly run = limiter(CONCURRENT);
  private decoy?: Promise<string>;

  constructor(log2N = 17) {
    this.n = 2 ** log2N;
  }

  /** Hashes a password with a fresh salt at the current cost. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await this.run(() => scrypt(password, salt, KEY_LENGTH, { N: this.n, r: R, p: P, maxmem: maxmem(this.n, R) }));
    return ["scrypt", this.n, R, P, salt.toString("base64url"), key.toString("base64url")].join("$");
  }

  /** Whether `password` matches `stored`, and whether `stored` should be upgraded. */
  async verify(password: string, stored: string): Promise<Verified> {
    const [scheme, nText, rText, pText, saltText, keyText] = stored.split("$");
    const [n, r, p] = [Number(nText), Number(rText), Number(pText)];
    const sane = scheme === "scrypt" && saltText && keyText && Number.isInteger(Math.log2(n)) && n >= 2 && n <= 2 ** MAX_LOG2N && r >= 1 && r <= 32 && p >= 1 && p <= 16;
    if (!sane) return { ok: false, stale: false };
    const expected = Buffer.from(keyText, "base64url");
    const key = await this.run(() => scrypt(password, Buffer.from(saltText, "base64url"), expected.length, { N: n, r, p, maxmem: maxmem(n, r) * p }));
    const ok = key.length === expected.length && timingSafeEqual(key, expected);
    return { ok, stale: ok && (n < this.n || r !== R || p !== P) };
  }

  /**
   * Spends a verification's time when the user does not exist, so timing does not tell which
   * usernames do (against a hash of a random password made once, at the current cost).
   */
  async verifyNobody(password: string): Promise<void> {
    this.decoy ??= this.hash(randomBytes(16).toString("hex"));
    await this.verify(password, await this.decoy);
  }
}
