import type { Presence } from "colyseus";
import type Redis from "ioredis";
import type { Logger } from "./logger";
import { listeners } from "./cluster";

/** Colyseus's reply code for a failed remote call (IpcProtocol.ERROR). */
const IPC_ERROR = 1;
/** How often pending remote calls are checked while there are any. */
const CALL_CHECK_MS = 50;
/** A call older than this is left to Colyseus's own timeout (2 s). */
const CALL_WATCH_MS = 3000;

/**
 * Remote calls to another process (a seat reservation in a room, a room creation, a health
 * check) wait up to 2 s for an answer; a process killed *while* answering leaves them
 * waiting that long, twice in a join. This watches each call in flight: every 50 ms one
 * `PUBSUB NUMSUB` asks whether the caller still waits (its reply channel) and whether anyone
 * still listens on the callee's channel. When the callee is gone the call is answered at once
 * with an error, as Colyseus would after its timeout: a reservation then fails over to
 * another room (joinOrCreate retries), a room creation is made here instead.
 */
export class CallGuard {
  private readonly calls = new Map<string, { target: string; method: unknown; since: number }>();
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly redis: Redis,
    private readonly presence: Presence,
    private readonly log: Logger,
  ) {}

  /** Starts watching the calls this process makes through its presence. */
  install(): void {
    const publish = this.presence.publish.bind(this.presence);
    this.presence.publish = (channel: string, data: unknown) => {
      const remote = channel.startsWith("$") || channel.startsWith("p:");
      if (remote && Array.isArray(data) && typeof data[1] === "string") this.watch(channel, data[0], data[1]);
      return publish(channel, data);
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.calls.clear();
  }

  private watch(target: string, method: unknown, requestId: string): void {
    this.calls.set(requestId, { target, method, since: Date.now() });
    this.timer ??= setInterval(() => void this.check(), CALL_CHECK_MS);
    this.timer.unref();
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = Date.now();
      for (const [id, call] of this.calls) if (now - call.since > CALL_WATCH_MS) this.calls.delete(id);
      if (this.calls.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
        return;
      }
      const entries = [...this.calls];
      const channels = entries.flatMap(([id, call]) => [`ipc:${id}`, call.target]);
      const counts = await listeners(this.redis, channels);
      for (const [i, [id, call]] of entries.entries()) {
        const [caller, callee] = [counts[2 * i], counts[2 * i + 1]];
        if (!caller) {
          this.calls.delete(id); // answered (or given up) already
          continue;
        }
        if (callee) continue;
        this.calls.delete(id);
        // A room creation treats "ipc_timeout" by creating the room here; a seat reservation
        // treats any other error as "try another room".
        const reason = call.method === undefined ? "ipc_timeout" : "the process that held this room is gone";
        this.log.info({ target: call.target, method: call.method, waitedMs: now - call.since }, "cluster: a remote call's process is gone; answered at once");
        await this.redis.publish(`ipc:${id}`, JSON.stringify([IPC_ERROR, reason]));
      }
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, "cluster: could not check remote calls (Redis away?)");
    } finally {
      this.checking = false;
    }
  }
}
