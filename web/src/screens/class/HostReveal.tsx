import type { ClassView } from "../../../../client-sdk";
import { formatNumber, useT } from "../../i18n";
import { markers, rich } from "../../ui/rich";

/** After a round, on the projector: the right answer, how the class answered, the top five. */
export function HostReveal({ view }: { view: ClassView }) {
  const t = useT();
  const { tally } = view;
  const answerLang = view.direction === "en-target" ? view.lang : "en";
  return (
    <section class="host-stage" aria-labelledby="host-answer">
      <p class="host-meta">{t("duel:round", { round: view.round, total: view.totalRounds })} · <span lang={view.direction === "en-target" ? "en" : view.lang}>{view.prompt}</span></p>
      <h1 id="host-answer" class="host-prompt">
        <span class="sr-only">{t("class:reveal.answerIs")} </span><span lang={answerLang}>{view.reveal}</span>
      </h1>
      {view.alsoAccepted.length > 0 && <p class="host-meta">{rich(t("class:reveal.also", markers("answers")), { answers: <span lang={answerLang}>{view.alsoAccepted.join(", ")}</span> })}</p>}
      <div class="reveal-grid">
        {view.mode === "choice" ? <ChoiceBars view={view} /> : <VerdictCounts tally={tally} />}
        <Top top={view.top} />
      </div>
    </section>
  );
}

function ChoiceBars({ view }: { view: ClassView }) {
  const t = useT();
  const { byChoice, none } = view.tally;
  const most = Math.max(1, ...byChoice, none);
  const answerLang = view.direction === "en-target" ? view.lang : "en";
  return (
    <div>
      <h2>{t("class:reveal.how")}</h2>
      <ul class="bars" aria-label={t("class:reveal.perChoice")}>
        {view.choices.map((c, i) => {
          const right = c === view.reveal;
          return (
            <li key={c} class={right ? "right" : ""}>
              <span class="label"><span class="mark" aria-hidden="true">{i + 1}</span><span lang={answerLang}>{c}</span>{right && <strong class="tick"> ✓ {t("class:reveal.right")}</strong>}</span>
              <span class="track"><span class={`grow t${i + 1}`} style={{ width: `${(100 * (byChoice[i] ?? 0)) / most}%` }} /></span>
              <span class="n">{t("class:reveal.picks", { count: byChoice[i] ?? 0 })}</span>
            </li>
          );
        })}
        <li class="none">
          <span class="label">{t("class:tally.none")}</span>
          <span class="track"><span class="grow" style={{ width: `${(100 * none) / most}%` }} /></span>
          <span class="n">{formatNumber(none)}</span>
        </li>
      </ul>
    </div>
  );
}

function VerdictCounts({ tally }: { tally: ClassView["tally"] }) {
  const t = useT();
  const rows: [string, string, number][] = [["correct", t("class:tally.right"), tally.correct], ["almost", t("class:tally.almost"), tally.almost], ["wrong", t("class:tally.wrong"), tally.wrong], ["none", t("class:tally.none"), tally.none]];
  return (
    <div>
      <h2>{t("class:reveal.how")}</h2>
      <dl class="verdict-counts">
        {rows.map(([kind, label, n]) => (
          <div key={kind} class={`verdict ${kind}`}><dt>{label}</dt><dd>{formatNumber(n)}</dd></div>
        ))}
      </dl>
    </div>
  );
}

/** The five best so far. */
export function Top({ top, title }: { top: ClassView["top"]; title?: string }) {
  const t = useT();
  return (
    <div>
      <h2>{title ?? t("class:reveal.top")}</h2>
      <ol class="top5">
        {top.map((t, i) => <li key={`${i}-${t.name}`}><span class="name">{t.name}</span><span class="score">{t.score}</span></li>)}
      </ol>
    </div>
  );
}
