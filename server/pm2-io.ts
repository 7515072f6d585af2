/**
 * Keeps @pm2/io out of the process. Colyseus's stats (`Stats.reset`) import it in the
 * background to publish two gauges (ccu, roomcount) to `pm2 monit`; importing it starts its
 * own event-loop sampler (a `process._getActiveHandles()` every second: an array of every
 * socket, 1 % of the server's CPU at 10,000 learners), a timer that talks to PM2, and process
 * handlers that print raw lines. The same figures, and more, are on `/metrics`
 * (docs/operations.md). @pm2/io uses the instance already registered under this global
 * symbol when there is one: this registers one that does nothing.
 */
const IO_KEY = Symbol.for("@pm2/io");
const registry = globalThis as unknown as Record<symbol, unknown>;

/** What Colyseus calls on it (`metric`), and the rest of what a caller may: all no-ops. */
const quiet = { metric: () => ({ set() {}, val: () => 0 }), counter: () => ({ inc() {}, dec() {} }), init: () => quiet, destroy() {} };

registry[IO_KEY] ??= quiet;

export {};
