import { useEffect, useState } from "preact/hooks";
import type { TFunction } from "i18next";
import { useT } from "../i18n";
import { Banner } from "../ui/Banner";
import { REFUSAL_CODES } from "./offline-keys";
import { startOffline, sync } from "./offline.service";
import type { SyncEvent } from "./sync";
import { useSyncEvents } from "./use-offline";

type News = Exclude<SyncEvent, { kind: "settled" }>;

/** The refusals the server explains: each has its own sentence; any other code a general one. */
const REASONS: ReadonlySet<string> = new Set(REFUSAL_CODES);

/** What became of a sent practice, in a sentence: saved (with the XP that counted) or refused, and why. */
export function syncSentence(t: TFunction, news: News): string {
  const lesson = news.item.lessonTitle;
  if (news.kind === "refused") {
    const reason = REASONS.has(news.code) ? t(`offline:refused.${news.code}`) : t("offline:refused.other");
    return t("offline:sync.refused", { lesson, reason });
  }
  const { receipt } = news;
  if (receipt.status === "duplicate") return t("offline:sync.duplicate", { lesson });
  return t(receipt.capped ? "offline:sync.savedCapped" : "offline:sync.saved", { lesson, xp: receipt.xp });
}

/**
 * Starts the offline sync (once) and tells the learner what each sync did: a practice saved
 * and the XP it earned (capped or not), or refused and why. Syncs again on signing in.
 */
export function SyncNews({ signedIn }: { signedIn: boolean }) {
  const t = useT();
  const [news, setNews] = useState<{ key: number; news: News }[]>([]);
  useEffect(() => startOffline(), []);
  useEffect(() => {
    if (signedIn) void sync.now();
  }, [signedIn]);
  useSyncEvents((e) => {
    // The last three, newest last.
    if (e.kind !== "settled") setNews((all) => [...all.slice(-2), { key: (all.at(-1)?.key ?? 0) + 1, news: e }]);
  });
  return (
    <>
      {news.map(({ key, news: n }) => (
        <Banner key={key} kind={n.kind === "refused" ? "error" : "info"} onClose={() => setNews((all) => all.filter((x) => x.key !== key))}>
          <span data-testid="sync-news">{syncSentence(t, n)}</span>
        </Banner>
      ))}
    </>
  );
}
