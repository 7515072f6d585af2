/** The event emitter every session of the SDK is: typed events, `on` returning its own off. */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /**
   * Subscribes to an event; returns a function that unsubscribes.
   * @example const off = session.on("state", (view) => draw(view)); off();
   */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(listener as (payload: never) => void);
    return () => this.listeners.get(event)?.delete(listener as (payload: never) => void);
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (payload: Events[K]) => void)(payload);
  }
}
