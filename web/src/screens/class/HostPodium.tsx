import type { ClassReportMessage, ClassView } from "../../../../client-sdk";
import { reportCsv } from "../../../../rooms/class-game/report.rules";
import { formatNumber, ordinal, useT } from "../../i18n";

/** The end on the projector: the podium, then the class report with its CSV download. */
export function HostPodium({ view, report, pin, watcher = false }: { view: ClassView; report?: ClassReportMessage; pin: string; watcher?: boolean }) {
  const t = useT();
  const [first, second, third, ...rest] = view.top;
  return (
    <section class="host-stage" aria-labelledby="podium-title">
      <h1 id="podium-title" class="host-huge center">{t("class:podium.title")}</h1>
      <ol class="podium" aria-label={t("class:podium.best")}>
        {[second, first, third].map((p) => p && (
          <li key={p.name} class={`step p${view.top.indexOf(p) + 1}`}>
            <span class="place">{ordinal(view.top.indexOf(p) + 1)}</span>
            <span class="name">{p.name}</span>
            <span class="score">{t("duel:points", { count: p.score })}</span>
          </li>
        ))}
      </ol>
      {rest.length > 0 && (
        <ol class="runners-up" start={4} aria-label={t("class:podium.runnersUp")}>
          {rest.map((p) => <li key={p.name}><span class="name">{p.name}</span> <span class="score">{t("duel:points", { count: p.score })}</span></li>)}
        </ol>
      )}
      {report ? <Report report={report} pin={pin} /> : !watcher && <p class="hint" role="status">{t("class:podium.saving")}</p>}
    </section>
  );
}

function Report({ report, pin }: { report: ClassReportMessage; pin: string }) {
  const t = useT();
  const download = () => {
    const url = URL.createObjectURL(new Blob([reportCsv(report)], { type: "text/csv;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `class-${pin || new Date().toISOString().slice(0, 10)}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <div class="report">
      <div class="report-head">
        <h2>{t("class:report.title")}</h2>
        <button class="primary" onClick={download}>{t("class:report.download")}</button>
      </div>
      <table class="board report-players">
        <caption>{t("duel:players")}</caption>
        <thead><tr><th scope="col">{t("class:report.player")}</th><th scope="col" class="num">{t("boards.score")}</th><th scope="col" class="num">{t("class:tally.right")}</th><th scope="col" class="num">{t("class:tally.almost")}</th><th scope="col" class="num">{t("class:report.answered")}</th><th scope="col" class="num">{t("class:report.accuracy")}</th><th scope="col" class="num">{t("profile.xp")}</th></tr></thead>
        <tbody>
          {report.players.map((p, i) => (
            <tr key={`${i}-${p.name}`}><th scope="row">{p.name}</th><td class="num">{formatNumber(p.score)}</td><td class="num">{formatNumber(p.right)}</td><td class="num">{formatNumber(p.almost)}</td><td class="num">{formatNumber(p.answered)}</td><td class="num">{formatNumber(p.accuracy, { style: "percent" })}</td><td class="num">{formatNumber(p.xp)}</td></tr>
          ))}
        </tbody>
      </table>
      <table class="board report-words">
        <caption>{t("class:report.words")}</caption>
        <thead><tr><th scope="col">{t("class:report.word")}</th><th scope="col" class="num">{t("class:tally.right")}</th><th scope="col" class="num">{t("class:tally.almost")}</th><th scope="col" class="num">{t("class:tally.wrong")}</th><th scope="col" class="num">{t("class:tally.none")}</th></tr></thead>
        <tbody>
          {report.words.map((w, i) => (
            <tr key={`${i}-${w.prompt}`}><th scope="row" lang="en">{w.prompt}</th><td class="num">{formatNumber(w.right)}</td><td class="num">{formatNumber(w.almost)}</td><td class="num">{formatNumber(w.wrong)}</td><td class="num">{formatNumber(w.none)}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
