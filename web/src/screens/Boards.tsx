import { useEffect, useState } from "preact/hooks";
import type { LeaderboardPage, LeaderboardRow, LiveBoard } from "../../../client-sdk";
import type { Nav } from "../app";
import { client } from "../game";

type Period = "alltime" | "weekly";

/** Leaderboards: all-time and weekly, global and per language; the top 10 live, and you. */
export function Boards({ nav }: { nav: Nav }) {
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

  const boards: [string, string][] = [["global", "All languages (XP)"], ...nav.languages.flatMap((l): [string, string][] => [[l.code, `${l.name} (XP)`], [`rating-${l.code}`, `${l.name} rating`]])];
  const unit = rating ? "" : " XP";
  return (
    <section class="card" aria-labelledby="boards-title">
      <h1 id="boards-title">Leaderboards</h1>
      <div class="row controls">
        <div>
          <label for="board">Board</label>
          <select id="board" value={board} onChange={(e) => setBoard(e.currentTarget.value)}>
            {boards.map(([id, label]) => <option key={id} value={id}>{label}</option>)}
          </select>
        </div>
        <fieldset disabled={rating}>
          <legend>Period</legend>
          <div class="chips">
            {(["alltime", "weekly"] as const).map((p) => (
              <label key={p} class={p === effective ? "chip on" : "chip"}>
                <input type="radio" name="period" value={p} checked={p === effective} onChange={() => setPeriod(p)} />
                {p === "alltime" ? "All time" : "This week"}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      <h2>Top 10 <span class="live" aria-hidden="true">● live</span>{shown && shown !== "alltime" ? <span class="hint"> · week {shown.split("-W")[1]}</span> : null}</h2>
      <Table rows={top} meId={meId} unit={unit} label="Top 10" live />
      <h2>Around you</h2>
      {around?.rank ? <Table rows={around.around} meId={meId} unit={unit} label="Your rank and neighbours" /> : <p class="hint">Play a duel to get on this board.</p>}
    </section>
  );
}

function Table({ rows, meId, unit, label, live }: { rows: LeaderboardRow[]; meId: string; unit: string; label: string; live?: boolean }) {
  if (rows.length === 0) return <p class="hint">Nobody here yet — be the first!</p>;
  return (
    <table class="board" aria-label={label} aria-live={live ? "polite" : undefined}>
      <thead>
        <tr><th scope="col">Rank</th><th scope="col">Learner</th><th scope="col" class="num">Score</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.userId} class={r.userId === meId ? "me" : ""} aria-current={r.userId === meId ? "true" : undefined}>
            <td>#{r.rank}</td>
            <td>{r.name}{r.userId === meId ? " (you)" : ""}</td>
            <td class="num">{r.score}{unit}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
