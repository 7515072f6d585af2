/**
 * Watching a room: a read-only place beside the seats. The matchmaking route's `watch` method
 * reserves it with join options exactly {@link watchOptions}; every other way in rebuilds a
 * client's options from the keys the room names (options.rules.ts) and the route drops a
 * `watch` key, so no client sets it. Pure; no imports.
 */

/** The join option that marks a watcher's reservation. */
export const WATCH_OPTION = "watch";

/**
 * The join options of every watcher's reservation (a fresh object each time).
 * @example watchOptions() // { watch: true }
 */
export function watchOptions(): { watch: true } {
  return { [WATCH_OPTION]: true } as { watch: true };
}

/**
 * Whether a reservation's join options are a watcher's.
 * @example isWatchOptions({ watch: true }) // true
 * @example isWatchOptions({ watch: "yes" }) // false
 */
export function isWatchOptions(options: unknown): boolean {
  return typeof options === "object" && options !== null && (options as Record<string, unknown>)[WATCH_OPTION] === true;
}

/**
 * Whether one more watcher fits: `watchers` (reserved or there) under the room's `cap`.
 * @example watcherFits(49, 50) // true
 */
export function watcherFits(watchers: number, cap: number): boolean {
  return watchers < cap;
}
