/**
 * The device's store for offline practice (IndexedDB, through idb): the lessons kept for
 * offline use, each with its whole pack, and the queue of practices waiting to be sent.
 * One database for both, so a version change upgrades them together.
 */
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { LessonPack, OfflinePractice } from "../../../client-sdk";

export const OFFLINE_DB_NAME = "lingualeap-offline";
const VERSION = 1;

/** A lesson kept on this device: its pack as the server sent it. */
export interface KeptLesson {
  id: string;
  lang: string;
  keptAt: number;
  pack: LessonPack;
}

/** A finished practice waiting to be sent, exactly as it will be sent. */
export interface QueuedPractice {
  /** The practice's own id (its key here and on the server). */
  id: string;
  practice: OfflinePractice;
  /** The learner who played it (their token's subject): only their token sends it. */
  learner?: string;
  lessonTitle: string;
  /** XP the device counted (the server's receipt has the XP that counts). */
  localXp: number;
  queuedAt: number;
  /** Sends that failed for a reason worth another try (network, server down). */
  tries: number;
}

interface OfflineSchema extends DBSchema {
  lessons: { key: string; value: KeptLesson; indexes: { byLang: string } };
  queue: { key: string; value: QueuedPractice; indexes: { byQueuedAt: number } };
}

export type OfflineDb = IDBPDatabase<OfflineSchema>;

/**
 * Opens (and creates or upgrades) the offline store; `onGone` is told when this connection
 * closes under its user (another tab upgrades the store, or the browser ends it).
 * @example const db = await openOfflineDb();
 */
export function openOfflineDb(name = OFFLINE_DB_NAME, onGone: () => void = () => undefined): Promise<OfflineDb> {
  return openDB<OfflineSchema>(name, VERSION, {
    upgrade(db) {
      if (!db.objectStoreNames.contains("lessons")) db.createObjectStore("lessons", { keyPath: "id" }).createIndex("byLang", "lang");
      if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "id" }).createIndex("byQueuedAt", "queuedAt");
    },
    // Another tab opens a newer version: step aside so it can upgrade; ours opens again when next asked.
    blocking(_current, _next, event) {
      (event.target as IDBDatabase).close();
      onGone();
    },
    terminated: onGone,
  });
}

/**
 * The store, opened once on first use and again after it closed or failed to open (private
 * mode, storage refused): a failure goes to the caller, it is not kept for good.
 * @example const db = lazyDb(); const kept = await (await db()).getAll("lessons");
 */
export function lazyDb(name = OFFLINE_DB_NAME): () => Promise<OfflineDb> {
  let opening: Promise<OfflineDb> | undefined;
  const gone = () => (opening = undefined);
  return () => {
    opening ??= openOfflineDb(name, gone).catch((err: unknown) => {
      gone();
      throw err;
    });
    return opening;
  };
}
