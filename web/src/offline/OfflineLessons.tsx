import { useEffect, useState } from "preact/hooks";
import type { LessonSummary } from "../../../client-sdk";
import type { Nav } from "../app";
import { explain } from "../errors";
import { client, languageName } from "../game";
import { useT } from "../i18n";
import { kept, sync } from "./offline.service";
import { useKept, useWaiting } from "./use-offline";
import { useOnline } from "./use-online";
import "./offline.css";

/**
 * Offline practice's home: the lessons kept on this device (practise, remove), and, while
 * online, the lessons of the learner's language to keep; what waits to be sent, and a way to
 * send it now.
 */
export function OfflineLessons({ nav }: { nav: Nav }) {
  const t = useT();
  const online = useOnline();
  const waiting = useWaiting();
  const { lessons, reload } = useKept();
  const langName = languageName(nav.languages, nav.prefs.lang);
  return (
    <div class="stack offline">
      <section class="card" aria-labelledby="offline-title">
        <h1 id="offline-title">{t("offline:lessons.title")}</h1>
        <p class="lead">{t("offline:lessons.lead")}</p>
        {waiting > 0 && (
          <p class="inline waiting" data-testid="offline-waiting">
            <span>{t("offline:waiting", { count: waiting })}</span>
            {online && (
              <button class="link" onClick={() => void sync.now({ fresh: true })}>
                {t("offline:lessons.sendNow")}
              </button>
            )}
          </p>
        )}
        <h2>{t("offline:lessons.onDevice")}</h2>
        {lessons === undefined ? null : lessons.length === 0 ? (
          <p class="hint">{t("offline:lessons.noneKept")}</p>
        ) : (
          <ul class="kept-lessons" aria-label={t("offline:lessons.onDevice")}>
            {lessons.map((l) => (
              <li key={l.id}>
                <span class="kept-title">
                  {l.pack.title} <span class="hint">{t("offline:lessons.meta", { level: l.pack.level, lang: languageName(nav.languages, l.lang), count: l.pack.words.length })}</span>
                </span>
                <span class="inline">
                  <button class="primary" onClick={() => nav.go({ name: "offline-practice", lessonId: l.id })} aria-label={t("offline:lessons.practiseThis", { lesson: l.pack.title })}>
                    {t("offline:lessons.practise")}
                  </button>
                  <button class="link" onClick={() => void kept.remove(l.id).then(reload)} aria-label={t("offline:lessons.removeThis", { lesson: l.pack.title })}>
                    {t("offline:lessons.remove")}
                  </button>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="offline-keep-title">
        <h2 id="offline-keep-title">{t("offline:keep.title", { lang: langName })}</h2>
        {online ? <KeepLessons nav={nav} keptIds={new Set((lessons ?? []).map((l) => l.id))} onKept={reload} /> : <p class="hint">{t("offline:keep.offline")}</p>}
      </section>
    </div>
  );
}

/** The lessons of the learner's language, each with "Keep for offline" (or "On this device"), and "Keep all". */
function KeepLessons({ nav, keptIds, onKept }: { nav: Nav; keptIds: Set<string>; onKept: () => void }) {
  const t = useT();
  const [offered, setOffered] = useState<LessonSummary[]>();
  const [busy, setBusy] = useState<string[]>([]);
  const [error, setError] = useState("");
  useEffect(() => {
    client.lessons(nav.prefs.lang).then(setOffered, (err) => setError(explain(err)));
  }, [nav.prefs.lang]);

  async function keepAll(ids: string[]) {
    setBusy((b) => [...b, ...ids]);
    setError("");
    try {
      // One at a time: a phone on a weak network gets each lesson whole, in order.
      for (const id of ids) {
        await kept.keep(client, id, Date.now());
        onKept();
      }
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy((b) => b.filter((id) => !ids.includes(id)));
    }
  }

  if (!offered) return error ? <p class="note warn" role="alert">{error}</p> : <p class="hint" role="status">{t("offline:keep.loading")}</p>;
  const missing = offered.filter((l) => !keptIds.has(l.id)).map((l) => l.id);
  return (
    <>
      {error && <p class="note warn" role="alert">{error}</p>}
      {missing.length > 1 && (
        <button class="secondary keep-all" disabled={busy.length > 0} onClick={() => void keepAll(missing)}>
          {t("offline:keep.keepAll", { count: missing.length })}
        </button>
      )}
      <ul class="kept-lessons" aria-label={t("offline:keep.listLabel")}>
        {offered.map((l) => (
          <li key={l.id}>
            <span class="kept-title">
              {l.title} <span class="hint">{t("offline:keep.meta", { level: l.level, count: l.wordCount })}</span>
            </span>
            {keptIds.has(l.id) ? (
              <span class="kept-mark">{t("offline:keep.kept")}</span>
            ) : (
              <button class="secondary" disabled={busy.includes(l.id)} onClick={() => void keepAll([l.id])} aria-label={busy.includes(l.id) ? undefined : t("offline:keep.keepThis", { lesson: l.title })}>
                {busy.includes(l.id) ? t("offline:keep.keeping") : t("offline:keep.keep")}
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
