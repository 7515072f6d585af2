/** Plain HTTP calls for tests: JSON bodies, parsed answers, and the error shape checked. */
import { strict as assert } from "node:assert";

/** A POST with a JSON body (and a Bearer token). */
export const json = (body: unknown, token?: string): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

/** Calls `base + path`; the body parsed as JSON when there is one. */
export async function call(t: { http: string }, path: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${t.http}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** The answer is `{error:{code,message}}` with this status and code. */
export function expectError(res: { status: number; body: any }, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error.code, code);
  assert.equal(typeof res.body.error.message, "string");
  assert.ok(res.body.error.message.length > 5);
}

/** Text that only internals would write: exception names, stack frames, driver messages. */
export const INTERNAL_TEXT = /TypeError|ReferenceError|RangeError|SyntaxError|Cannot read prop|is not a function|at [\w.<>]+ \(|node_modules|\.ts:\d+|Mongo[A-Z]|ECONN|stack/;
