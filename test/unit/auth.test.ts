import { strict as assert } from "node:assert";
import jwt from "jsonwebtoken";
import { PasswordHasher } from "../../server/auth/passwords";
import { createTokenService } from "../../server/auth/tokens";

const SECRET = "unit-test-secret-that-is-long-enough-0123";

describe("passwords (scrypt)", function () {
  this.timeout(20000);
  it("hashes at OWASP's cost by default (N = 2^17, r = 8, p = 1) and verifies", async () => {
    const hasher = new PasswordHasher();
    const hash = await hasher.hash("a long password");
    assert.match(hash, /^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    assert.deepEqual(await hasher.verify("a long password", hash), { ok: true, stale: false });
    assert.deepEqual(await hasher.verify("another password", hash), { ok: false, stale: false });
  });
  it("says a hash at a lower cost is stale once the password is known", async () => {
    const old = await new PasswordHasher(14).hash("pw-of-old");
    assert.match(old, /^scrypt\$16384\$/);
    const current = new PasswordHasher(17);
    assert.deepEqual(await current.verify("pw-of-old", old), { ok: true, stale: true });
    assert.deepEqual(await current.verify("wrong", old), { ok: false, stale: false }, "a wrong password tells nothing");
  });
  it("refuses stored hashes that are not ours, never throwing (and never running an absurd cost)", async () => {
    const hasher = new PasswordHasher(14);
    for (const stored of ["", "bcrypt$x", "scrypt$16384$8$1$$", "scrypt$3$8$1$c2FsdA$a2V5", `scrypt$${2 ** 30}$8$1$c2FsdA$a2V5`, "scrypt$16384$999$1$c2FsdA$a2V5"]) {
      assert.deepEqual(await hasher.verify("x", stored), { ok: false, stale: false }, stored);
    }
  });
});

describe("tokens", () => {
  const tokens = createTokenService(SECRET, 3600);
  const identity = { userId: "u1", name: "Ana", guest: true };
  it("signs and verifies, with exp and iat", () => {
    const token = tokens.sign(identity);
    assert.deepEqual(tokens.verify(token), identity);
    const payload = jwt.decode(token) as jwt.JwtPayload;
    assert.equal(payload.exp! - payload.iat!, 3600);
  });
  it("refuses a token without exp, or with an exp beyond the TTL, even when signed with the key", () => {
    const noExp = jwt.sign({ name: "Ana", guest: true }, SECRET, { subject: "u1", issuer: "lingualeap" });
    assert.throws(() => tokens.verify(noExp), (e: { code?: string }) => e.code === "AUTH_BAD_TOKEN");
    const tooLong = jwt.sign({ name: "Ana", guest: true }, SECRET, { subject: "u1", issuer: "lingualeap", expiresIn: 365 * 86400 });
    assert.throws(() => tokens.verify(tooLong), (e: { code?: string }) => e.code === "AUTH_BAD_TOKEN");
  });
  it("refuses a token issued in the future, one with a critical header, and one too long to be ours", () => {
    const now = Math.floor(Date.now() / 1000);
    const future = jwt.sign({ name: "Ana", guest: true, iat: now + 10 * 365 * 86400, exp: now + 10 * 365 * 86400 + 600 }, SECRET, { subject: "u1", issuer: "lingualeap" });
    assert.throws(() => tokens.verify(future), (e: { code?: string }) => e.code === "AUTH_BAD_TOKEN");
    const crit = jwt.sign({ name: "Ana", guest: true }, SECRET, { subject: "u1", issuer: "lingualeap", expiresIn: 60, header: { alg: "HS256", crit: ["x"] } as jwt.JwtHeader });
    assert.throws(() => tokens.verify(crit), (e: { code?: string }) => e.code === "AUTH_BAD_TOKEN");
    const long = jwt.sign({ name: "Ana", guest: true, pad: "x".repeat(3000) }, SECRET, { subject: "u1", issuer: "lingualeap", expiresIn: 60 });
    assert.throws(() => tokens.verify(long), (e: { code?: string }) => e.code === "AUTH_BAD_TOKEN");
  });
  it("refuses a token older than the TTL (maxAge), as expired", () => {
    const old = jwt.sign({ name: "Ana", guest: true, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) + 60 }, SECRET, { subject: "u1", issuer: "lingualeap" });
    assert.throws(() => tokens.verify(old), (e: { code?: string }) => e.code === "AUTH_TOKEN_EXPIRED");
  });
});
