/**
 * Join options as a room may read them. Colyseus deep-merges a client's matchmaking body into
 * the options `onCreate` receives (a `__proto__` key there becomes the options' prototype), so
 * every room reads its options only through {@link pickOptions}: a fresh null-prototype
 * object of the keys it names, own properties only. Pure; never throws.
 */

/**
 * Keys that reach an object's prototype machinery, or shadow a method of every object
 * (Colyseus calls `options.hasOwnProperty`): refused wherever options are read.
 */
export const FORBIDDEN_KEYS: readonly string[] = ["prototype", ...Object.getOwnPropertyNames(Object.prototype)];

export type Picked = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

/**
 * The `allowed` own keys of `raw` in a null-prototype object, or why `raw` is not options:
 * not a plain object, or holding a forbidden key (at any depth).
 * @example pickOptions(JSON.parse('{"lang":"es","x":1}'), ["lang"]) // { ok: true, value: { lang: "es" } }
 */
export function pickOptions(raw: unknown, allowed: readonly string[]): Picked {
  if (raw === undefined || raw === null) return { ok: true, value: Object.create(null) };
  if (!isPlainObject(raw)) return { ok: false, message: "join options are a JSON object" };
  if (hasForbiddenKey(raw, 0)) return { ok: false, message: 'option names such as "__proto__", "constructor" or "prototype" are not allowed' };
  const value: Record<string, unknown> = Object.create(null);
  for (const key of allowed) if (Object.hasOwn(raw, key)) value[key] = raw[key];
  return { ok: true, value };
}

/** Every own key of `raw`, checked as {@link pickOptions} checks (the matchmaking route's first look). */
export function ownOptions(raw: unknown): Picked {
  return pickOptions(raw, isPlainObject(raw) ? Object.keys(raw) : []);
}

/**
 * Makes the client's options object hold exactly `clean` (matchmaking filters on that same
 * object, and Colyseus passes it on to onCreate and onJoin).
 */
export function replaceOptions(target: Record<string, unknown>, clean: Record<string, unknown>): void {
  for (const key of Reflect.ownKeys(target)) delete target[key as string];
  Object.assign(target, clean);
}

/** A JSON-style object: its prototype is Object.prototype or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function hasForbiddenKey(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (depth > 16) return true; // nothing legitimate nests this deep
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== "string" || FORBIDDEN_KEYS.includes(key)) return true;
    if (hasForbiddenKey((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}
