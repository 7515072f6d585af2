/**
 * The installable app's service worker, from the page's side: it is registered once, says
 * when the game first works offline, and when a new version has installed and waits. The
 * new version takes over only when the learner asks ("Reload"): workbox-window tells the
 * waiting worker to skip waiting, it takes control, and the page reloads onto it. Until
 * then the page keeps running the version it loaded with. An open app asks for a new
 * version every hour (a browser asks by itself only on navigations).
 *
 * The reload is ours, on the worker's `controllerchange`: workbox-window reloads only a page
 * that was already controlled when it registered, and a first visit's page (taken by
 * clientsClaim, then offered an update before any reload) would stay on the old version.
 */

/** What the register function (virtual:pwa-register's registerSW) is given. */
export interface RegisterOptions {
  immediate?: boolean;
  onNeedRefresh?: () => void;
  onOfflineReady?: () => void;
  onRegisteredSW?: (url: string, registration: ServiceWorkerRegistration | undefined) => void;
  onRegisterError?: (error: unknown) => void;
  onNeedReload?: () => void;
}

/** What the page does around a version change (the browser's, in the game). */
export interface PageHooks {
  reload(): void;
  /** Calls `fn` once when a new worker takes control of the page. */
  onControllerChange(fn: () => void): void;
}

const BROWSER: PageHooks = {
  reload: () => location.reload(),
  onControllerChange: (fn) => navigator.serviceWorker?.addEventListener("controllerchange", fn, { once: true }),
};

/** Registers the worker; the function returned activates a waiting version. */
export type Register = (options: RegisterOptions) => (reloadPage?: boolean) => Promise<void>;

export interface UpdateState {
  /** A new version has installed and waits for the learner. */
  waiting: boolean;
  /** The learner asked for it: the page reloads once it takes control. */
  reloading: boolean;
  /** The app shell is kept on the device: the game now opens offline (first install only). */
  offlineReady: boolean;
}

export const CHECK_EVERY_MS = 60 * 60_000;

export class AppUpdates {
  private current: UpdateState = { waiting: false, reloading: false, offlineReady: false };
  private readonly listeners = new Set<(s: UpdateState) => void>();
  private activate?: (reloadPage?: boolean) => Promise<void>;
  private checker?: ReturnType<typeof setInterval>;
  private reloaded = false;

  constructor(
    private readonly register: Register,
    private readonly page: PageHooks = BROWSER,
    private readonly checkEveryMs = CHECK_EVERY_MS,
  ) {}

  get state(): UpdateState {
    return this.current;
  }

  /** Registers the service worker, once. */
  start(): void {
    if (this.activate) return;
    this.activate = this.register({
      immediate: true,
      onNeedRefresh: () => this.set({ waiting: true }),
      onOfflineReady: () => this.set({ offlineReady: true }),
      onRegisteredSW: (_url, registration) => {
        if (!registration || this.checker) return;
        // A failed check (offline) is simply the next hour's to try again.
        this.checker = setInterval(() => void registration.update().catch(() => undefined), this.checkEveryMs);
      },
      onRegisterError: () => undefined,
      onNeedReload: () => this.reloadOnce(),
    });
  }

  /** Listens to changes; returns the way to stop. */
  subscribe(listener: (s: UpdateState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes the waiting version: the page reloads when it is in control. */
  async reload(): Promise<void> {
    if (!this.current.waiting || this.current.reloading) return;
    this.set({ reloading: true });
    this.page.onControllerChange(() => this.reloadOnce());
    await this.activate?.(true);
  }

  /** The learner has read that the game works offline. */
  dismissOfflineReady(): void {
    this.set({ offlineReady: false });
  }

  stop(): void {
    clearInterval(this.checker);
    this.checker = undefined;
  }

  private reloadOnce(): void {
    if (this.reloaded) return;
    this.reloaded = true;
    this.page.reload();
  }

  private set(change: Partial<UpdateState>): void {
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener(this.current);
  }
}
