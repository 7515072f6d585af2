/**
 * The page's offline practice, wired: the device's store, the lessons kept in it, the queue
 * and its sync through the page's SDK client. Syncs on start, when the network comes back,
 * after each practice and after signing in (startOffline and the screens call `sync.now`).
 */
import { client, loadPrefs } from "../game";
import { KeptLessons } from "./kept-lessons";
import { lazyDb } from "./offline-db";
import { PracticeQueue } from "./queue";
import { learnerOf, OfflineSync, originLock } from "./sync";

const db = lazyDb();
export const kept = new KeptLessons(db);
export const queue = new PracticeQueue(db);
export const sync = new OfflineSync({
  queue,
  send: (practice) => client.sendOfflinePractice(practice),
  signedIn: () => client.token !== undefined,
  learner: () => currentLearner(),
  online: () => navigator.onLine,
  exclusive: originLock(typeof navigator !== "undefined" ? navigator.locks : undefined),
});

/** The signed-in learner's id, as their token names it (undefined when signed out). */
export function currentLearner(): string | undefined {
  return client.user?.id ?? learnerOf(client.token);
}

let started = false;

/** Starts syncing (once per page): now, and whenever the network comes back; kept lessons are brought up to date. */
export function startOffline(): void {
  if (started) return;
  started = true;
  const refresh = () => {
    if (navigator.onLine) void kept.refresh(client, Date.now()).catch(() => undefined);
  };
  window.addEventListener("online", () => {
    void sync.now({ fresh: true });
    refresh();
  });
  // The first page a service worker takes over read the languages and lessons before the
  // worker was there to keep them: read them again through it, so the game opens offline
  // with its language list.
  navigator.serviceWorker?.addEventListener("controllerchange", () => {
    void client.languages().catch(() => undefined);
    void client.lessons(loadPrefs().lang).catch(() => undefined);
  });
  void sync.now();
  refresh();
}
