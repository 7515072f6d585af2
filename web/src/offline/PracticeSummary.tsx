import { useEffect, useRef, useState } from "preact/hooks";
import type { Direction, LessonPack, OfflineAnswer, OfflineReceipt } from "../../../client-sdk";
import type { Question } from "../../../rooms/word-duel/duel.rules";
import type { Nav } from "../app";
import { useT } from "../i18n";
import { currentLearner, queue, sync } from "./offline.service";
import { practiceOf, totalXp, type Judged, type PracticeWord } from "./practice.rules";
import { newPracticeId } from "./queue";
import { syncSentence } from "./SyncNews";
import { useSyncEvents } from "./use-offline";
import { useOnline } from "./use-online";

/** One word as played: the word, the answer as sent, and the device's verdict. */
export interface Played {
  word: PracticeWord;
  answer: OfflineAnswer;
  judged: Judged;
}

/** A verdict in words, with the XP it is worth and the right answer. */
export function VerdictLine({ judged, question }: { judged: Judged; question: Question }) {
  const t = useT();
  const also = question.accepted.filter((a) => a !== question.reveal).slice(0, 3);
  const verdict = judged.verdict === "almost" ? t(`offline:verdict.almost_${judged.reason ?? "typo"}`) : t(`offline:verdict.${judged.verdict}`);
  return (
    <div class={`verdict ${judged.verdict}`} role="status" data-testid="offline-verdict">
      <strong>{verdict}</strong>
      <span lang={question.answerLang}>{t("offline:verdict.answer", { answer: question.reveal })}{also.length > 0 ? ` ${t("offline:verdict.also", { answers: also.join(", ") })}` : ""}</span>
      <span class="xp" data-testid="offline-points">{t("offline:verdict.xp", { xp: judged.xp })}</span>
    </div>
  );
}

type Saving = { state: "saving" } | { state: "failed" } | { state: "saved"; id: string } | { state: "sent"; id: string; receipt: OfflineReceipt } | { state: "refused"; id: string; sentence: string };

/**
 * The end of a practice: the score and XP counted on this device, every word with its
 * verdict; the practice is written to the device's queue first ("Saved on this device" only
 * once it is there), then sent when online, and what the server made of it shown here.
 */
export function PracticeSummary(props: { nav: Nav; pack: LessonPack; direction: Direction; startedAt: number; finishedAt: number; played: Played[]; onAgain: () => void }) {
  const { nav, pack, played } = props;
  const t = useT();
  const online = useOnline();
  const [saving, setSaving] = useState<Saving>({ state: "saving" });
  const practice = useRef(practiceOf(newPracticeId(), pack, props.direction, props.startedAt, props.finishedAt, played.map((p) => p.answer)));
  const xp = totalXp(played.map((p) => p.judged));
  const correct = played.filter((p) => p.judged.verdict === "correct").length;

  const save = () => {
    setSaving({ state: "saving" });
    queue.add({ practice: practice.current, learner: currentLearner(), lessonTitle: pack.title, localXp: xp }, Date.now()).then(
      (item) => {
        setSaving({ state: "saved", id: item.id });
        void sync.now();
      },
      () => setSaving({ state: "failed" }),
    );
  };
  useEffect(save, []);
  useSyncEvents((e) => {
    if (e.kind === "settled" || e.item.id !== practice.current.id) return;
    if (e.kind === "saved") setSaving({ state: "sent", id: e.item.id, receipt: e.receipt });
    else setSaving({ state: "refused", id: e.item.id, sentence: syncSentence(t, e) });
  });

  return (
    <section class="card" aria-labelledby="offline-done-title">
      <h1 id="offline-done-title">{t("offline:summary.title", { lesson: pack.title })}</h1>
      <p class="big-text" data-testid="offline-score">{t("offline:summary.score", { count: played.length, correct })}</p>
      <p data-testid="offline-total">{t("offline:summary.xp", { xp })}</p>
      <SavingLine saving={saving} online={online} cap={pack.xp.dailyCap} onRetry={save} />
      <h2>{t("offline:summary.words")}</h2>
      <ul class="offline-words">
        {played.map((p) => (
          <li key={p.answer.prompt} class={`verdict ${p.judged.verdict}`}>
            <span lang={props.direction === "en-target" ? "en" : pack.lang}>{p.word.question.prompt}</span>
            <span lang={p.word.question.answerLang}>{p.answer.answer || t("offline:summary.noAnswer")}</span>
            <span>{p.judged.verdict === "correct" ? t("offline:verdict.xp", { xp: p.judged.xp }) : t("offline:verdict.answer", { answer: p.word.question.reveal })}</span>
          </li>
        ))}
      </ul>
      <div class="actions">
        <button class="primary" onClick={props.onAgain}>{t("offline:summary.again")}</button>
        <button class="secondary" onClick={() => nav.go({ name: "offline" })}>{t("offline:summary.back")}</button>
      </div>
    </section>
  );
}

/** Where the practice is: being saved on the device, saved and waiting, sent (with the XP that counted), or refused. */
function SavingLine({ saving, online, cap, onRetry }: { saving: Saving; online: boolean; cap: number; onRetry: () => void }) {
  const t = useT();
  if (saving.state === "failed") {
    return (
      <p class="note warn" role="alert">
        {t("offline:summary.notSaved")} <button class="link" onClick={onRetry}>{t("offline:summary.retry")}</button>
      </p>
    );
  }
  let line: string;
  if (saving.state === "saving") line = t("offline:summary.saving");
  else if (saving.state === "saved") line = online ? t("offline:summary.sending") : t("offline:summary.savedOffline");
  else if (saving.state === "refused") line = saving.sentence;
  else if (saving.receipt.status === "duplicate") line = t("offline:summary.sentBefore");
  else line = saving.receipt.capped ? t("offline:summary.sentCapped", { xp: saving.receipt.xp, cap }) : t("offline:summary.sent", { xp: saving.receipt.xp });
  return (
    <p class={saving.state === "refused" ? "note warn" : "note"} role="status" data-testid="offline-status" data-state={saving.state}>
      {line}
    </p>
  );
}
