import { useEffect, useState } from "preact/hooks";
import type { LeaderboardPage, LeaderboardRow, LiveBoard } from "../../../client-sdk";
import type { Nav } from "../app";
import { capitalise, client, languageName } from "../game";
import { formatNumber, useT } from "../i18n";

type Period = "alltime" | "weekly";
const PERIODS: readonly Period[] = ["alltime", "weekly"];

/** Leaderboards: all-time and weekly, global and per language; the top 10 live, and you. */
export function Boards({ nav }: { nav: Nav }) {
  const t = useT();
  const [board, setBoard] = useState("global");
  const [period, setPeriod] = useState<Period>("alltime");
  const [top, setTop] = useState<LeaderboardRow[]>([]);
  const [around, setAround] = useState<LeaderboardPage["me"]>();
  const [meId, setMeId] = useState(client.user?.id ?? "");
  const [shown, setShown] = useState("");
  const rating = board.startsWith("rating-");
  const effective: Period = rating ? "alltime" : period;

  useEffect(() => {
    client.me().then((p) => setMeId(p.user.id), () => undefined);
  }, []);

  useEffect(() => {
    let live: LiveBoard | undefined;
    let stopped = false;
    const refreshMe = () => client.leaderboard(board, { period: effective, aroundMe: true, limit: 1 }).then((p) => !stopped && setAround(p.me), () => undefined);
    setTop([]);
    client.watchLeaderboard(board, effective).then((b) => {
      if (stopped) return void b.close();
      live = b;
      setTop(b.rows);
      setShown(b.period);
      b.on("change", (rows) => {
        setTop(rows);
        setShown(b.period);
        void refreshMe();
      });
    }, nav.fail);
    void refreshMe();
    return () => {
      stopped = true;
      void live?.close();
    };
  }, [board, effective]);

  const boards: [string, string][] = [
    ["global", t("boards.global")],
    ...nav.languages.flatMap((l): [string, string][] => [[l.code, capitalise(t("boards.xpBoard", { language: languageName(nav.languages, l.code) }))], [`rating-${l.code}`, capitalise(t("boards.ratingBoard", { language: languageName(nav.languages, l.code) }))]]),
  ];
  return (
    <section class="card" aria-labelledby="boards-title">
      <h1 id="boards-title">{t("boards.title")}</h1>
      <div class="row controls">
        <div>
          <label for="board">{t("boards.board")}</label>
          <select id="board" value={board} onChange={(e) => setBoard(e.currentTarget.value)}>
            {boards.map(([id, label]) => <option key={id} value={id}>{label}</option>)}
          </select>
        </div>
        <fieldset disabled={rating}>
          <legend>{t("boards.period")}</legend>
          <div class="chips">
            {PERIODS.map((p) => (
              <label key={p} class={p === effective ? "chip on" : "chip"}>
                <input type="radio" name="period" value={p} checked={p === effective} onChange={() => setPeriod(p)} />
                {p === "alltime" ? t("boards.alltime") : t("boards.weekly")}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      <h2>{t("boards.top")} <span class="live" aria-hidden="true">{t("boards.live")}</span>{shown && shown !== "alltime" ? <span class="hint"> · {t("boards.week", { n: Number(shown.split("-W")[1]) })}</span> : null}</h2>
      <Table rows={top} meId={meId} xp={!rating} label={t("boards.top")} live />
      <h2>{t("boards.around")}</h2>
      {around?.rank ? <Table rows={around.around} meId={meId} xp={!rating} label={t("boards.aroundLabel")} /> : <p class="hint">{t("boards.offBoard")}</p>}
    </section>
  );
}

/** A board's rows; `xp`: the scores are XP (else ratings, written without grouping). */
function Table({ rows, meId, xp, label, live }: { rows: LeaderboardRow[]; meId: string; xp: boolean; label: string; live?: boolean }) {
  const t = useT();
  if (rows.length === 0) return <p class="hint">{t("boards.empty")}</p>;
  return (
    <table class="board" aria-label={label} aria-live={live ? "polite" : undefined}>
      <thead>
        <tr><th scope="col">{t("boards.rank")}</th><th scope="col">{t("boards.learner")}</th><th scope="col" class="num">{t("boards.score")}</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.userId} class={r.userId === meId ? "me" : ""} aria-current={r.userId === meId ? "true" : undefined}>
            <td>#{formatNumber(r.rank)}</td>
            <td>{r.userId === meId ? t("you", { name: r.name }) : r.name}</td>
            <td class="num">{xp ? t("xp", { n: r.score }) : r.score}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
