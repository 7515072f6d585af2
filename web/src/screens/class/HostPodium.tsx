import type { ClassReportMessage, ClassView } from "../../../../client-sdk";
import { reportCsv } from "../../../../rooms/class-game/report.rules";

const PLACES = ["1st", "2nd", "3rd"];

/** The end on the projector: the podium, then the class report with its CSV download. */
export function HostPodium({ view, report, pin, watcher = false }: { view: ClassView; report?: ClassReportMessage; pin: string; watcher?: boolean }) {
  const [first, second, third, ...rest] = view.top;
  return (
    <section class="host-stage" aria-labelledby="podium-title">
      <h1 id="podium-title" class="host-huge center">Podium</h1>
      <ol class="podium" aria-label="The three best">
        {[second, first, third].map((t) => t && (
          <li key={t.name} class={`step p${view.top.indexOf(t) + 1}`}>
            <span class="place">{PLACES[view.top.indexOf(t)]}</span>
            <span class="name">{t.name}</span>
            <span class="score">{t.score} points</span>
          </li>
        ))}
      </ol>
      {rest.length > 0 && (
        <ol class="runners-up" start={4} aria-label="Fourth and fifth">
          {rest.map((t) => <li key={t.name}><span class="name">{t.name}</span> <span class="score">{t.score} points</span></li>)}
        </ol>
      )}
      {report ? <Report report={report} pin={pin} /> : !watcher && <p class="hint" role="status">Saving the results… the class report comes next.</p>}
    </section>
  );
}

function Report({ report, pin }: { report: ClassReportMessage; pin: string }) {
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
        <h2>Class report</h2>
        <button class="primary" onClick={download}>Download CSV</button>
      </div>
      <table class="board report-players">
        <caption>Players</caption>
        <thead><tr><th scope="col">Player</th><th scope="col" class="num">Score</th><th scope="col" class="num">Right</th><th scope="col" class="num">Almost</th><th scope="col" class="num">Answered</th><th scope="col" class="num">Accuracy</th><th scope="col" class="num">XP</th></tr></thead>
        <tbody>
          {report.players.map((p, i) => (
            <tr key={`${i}-${p.name}`}><th scope="row">{p.name}</th><td class="num">{p.score}</td><td class="num">{p.right}</td><td class="num">{p.almost}</td><td class="num">{p.answered}</td><td class="num">{Math.round(p.accuracy * 100)}%</td><td class="num">{p.xp}</td></tr>
          ))}
        </tbody>
      </table>
      <table class="board report-words">
        <caption>Words</caption>
        <thead><tr><th scope="col">Word</th><th scope="col" class="num">Right</th><th scope="col" class="num">Almost</th><th scope="col" class="num">Wrong</th><th scope="col" class="num">No answer</th></tr></thead>
        <tbody>
          {report.words.map((w, i) => (
            <tr key={`${i}-${w.prompt}`}><th scope="row" lang="en">{w.prompt}</th><td class="num">{w.right}</td><td class="num">{w.almost}</td><td class="num">{w.wrong}</td><td class="num">{w.none}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
