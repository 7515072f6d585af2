/**
 * Lessons kept on this device for offline practice (IndexedDB, store "lessons"): each with
 * its whole pack (words and the judge's rules), fetched while online. A kept lesson is
 * brought up to date when the server has a newer version of it; one the server no longer
 * has is kept (its practices would be refused, so it says so when sent) until removed.
 */
import type { LessonPack } from "../../../client-sdk";
import type { KeptLesson, OfflineDb } from "./offline-db";

export type { KeptLesson };

/** What fetching a pack needs: the SDK's `lessonPack`. */
export interface PackSource {
  lessonPack(id: string): Promise<LessonPack>;
}

export class KeptLessons {
  constructor(private readonly db: () => Promise<OfflineDb>) {}

  /**
   * Fetches a lesson's pack and keeps it (replacing an older version).
   * @example await kept.keep(client, "es-food", Date.now());
   */
  async keep(source: PackSource, id: string, now: number): Promise<KeptLesson> {
    const pack = await source.lessonPack(id);
    const lesson: KeptLesson = { id: pack.id, lang: pack.lang, keptAt: now, pack };
    await (await this.db()).put("lessons", lesson);
    return lesson;
  }

  /** Every kept lesson, by language then title. */
  async all(): Promise<KeptLesson[]> {
    const lessons = await (await this.db()).getAll("lessons");
    return lessons.sort((a, b) => a.lang.localeCompare(b.lang) || a.pack.title.localeCompare(b.pack.title));
  }

  async get(id: string): Promise<KeptLesson | undefined> {
    return (await this.db()).get("lessons", id);
  }

  async remove(id: string): Promise<void> {
    await (await this.db()).delete("lessons", id);
  }

  /**
   * Asks for every kept lesson's pack again and keeps the ones whose version changed;
   * resolves with how many changed. A pack that cannot be fetched now stays as it is.
   * @example await kept.refresh(client, Date.now()) // 1
   */
  async refresh(source: PackSource, now: number): Promise<number> {
    let changed = 0;
    for (const lesson of await this.all()) {
      let pack: LessonPack;
      try {
        pack = await source.lessonPack(lesson.id);
      } catch {
        continue;
      }
      if (pack.version === lesson.pack.version) continue;
      await (await this.db()).put("lessons", { ...lesson, keptAt: now, pack });
      changed++;
    }
    return changed;
  }
}
