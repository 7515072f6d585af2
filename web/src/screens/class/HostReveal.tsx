import type { ClassView } from "../../../../client-sdk";
import { count } from "./use-class";

/** After a round, on the projector: the right answer, how the class answered, the top five. */
export function HostReveal({ view }: { view: ClassView }) {
  const { tally } = view;
  const answerLang = view.direction === "en-target" ? view.lang : "en";
  return (
    <section class="host-stage" aria-labelledby="host-answer">
      <p class="host-meta">Round {view.round} of {view.totalRounds} · <span lang={view.direction === "en-target" ? "en" : view.lang}>{view.prompt}</span></p>
      <h1 id="host-answer" class="host-prompt">
        <span class="sr-only">The answer is </span><span lang={answerLang}>{view.reveal}</span>
      </h1>
      {view.alsoAccepted.length > 0 && <p class="host-meta">Also right: <span lang={answerLang}>{view.alsoAccepted.join(", ")}</span></p>}
      <div class="reveal-grid">
        {view.mode === "choice" ? <ChoiceBars view={view} /> : <VerdictCounts tally={tally} />}
        <Top top={view.top} />
      </div>
    </section>
  );
}

function ChoiceBars({ view }: { view: ClassView }) {
  const { byChoice, none } = view.tally;
  const most = Math.max(1, ...byChoice, none);
  const answerLang = view.direction === "en-target" ? view.lang : "en";
  return (
    <div>
      <h2>How the class answered</h2>
      <ul class="bars" aria-label="Answers per choice">
        {view.choices.map((c, i) => {
          const right = c === view.reveal;
          return (
            <li key={c} class={right ? "right" : ""}>
              <span class="label"><span class="mark" aria-hidden="true">{i + 1}</span><span lang={answerLang}>{c}</span>{right && <strong class="tick"> ✓ right</strong>}</span>
              <span class="track"><span class={`grow t${i + 1}`} style={{ width: `${(100 * (byChoice[i] ?? 0)) / most}%` }} /></span>
              <span class="n">{count(byChoice[i] ?? 0, "pick")}</span>
            </li>
          );
        })}
        <li class="none">
          <span class="label">No answer</span>
          <span class="track"><span class="grow" style={{ width: `${(100 * none) / most}%` }} /></span>
          <span class="n">{none}</span>
        </li>
      </ul>
    </div>
  );
}

function VerdictCounts({ tally }: { tally: ClassView["tally"] }) {
  const rows: [string, string, number][] = [["correct", "Right", tally.correct], ["almost", "Almost", tally.almost], ["wrong", "Wrong", tally.wrong], ["none", "No answer", tally.none]];
  return (
    <div>
      <h2>How the class answered</h2>
      <dl class="verdict-counts">
        {rows.map(([kind, label, n]) => (
          <div key={kind} class={`verdict ${kind}`}><dt>{label}</dt><dd>{n}</dd></div>
        ))}
      </dl>
    </div>
  );
}

/** The five best so far. */
export function Top({ top, title = "Top five" }: { top: ClassView["top"]; title?: string }) {
  return (
    <div>
      <h2>{title}</h2>
      <ol class="top5">
        {top.map((t, i) => <li key={`${i}-${t.name}`}><span class="name">{t.name}</span><span class="score">{t.score}</span></li>)}
      </ol>
    </div>
  );
}
