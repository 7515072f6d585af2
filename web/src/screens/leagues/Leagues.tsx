import { useEffect, useState } from "preact/hooks";
import type { LeaguePage } from "../../../../client-sdk";
import type { Nav } from "../../app";
import { explain } from "../../errors";
import { client } from "../../game";
import { Banner } from "../../ui/Banner";
import { LeagueStandings } from "./LeagueStandings";
import { moves, standingLine, timeLeft, weekLabel } from "./league-view";
import { useLeague, useNow, useOutcomeNews } from "./use-league";
import "./leagues.css";

/**
 * Weekly leagues: the learner's tier, their cohort ranked by this week's XP with the zones
 * that move up and down, the time left, and last week's outcome (a banner the first time).
 * Refreshed every 15 s while open.
 */
export function Leagues({ nav }: { nav: Nav }) {
  const { page, error, skewMs } = useLeague(nav.fail);
  const [meId, setMeId] = useState(client.user?.id);
  const [dismissed, setDismissed] = useState(false);
  const news = useOutcomeNews(page?.last, meId);

  useEffect(() => {
    // After a reload the SDK knows the token, not the learner: the profile says who they are.
    if (!meId) client.me().then((p) => setMeId(p.user.id), () => undefined);
  }, []);

  const failed = error !== undefined && (
    <Banner kind="error">{explain(error)} {page ? "These standings may be out of date; we'll keep trying." : "We'll keep trying."}</Banner>
  );
  if (!page) {
    return (
      <>
        {failed}
        <p class="card center" role="status">{failed ? "Your league couldn't be loaded yet." : "Loading your league…"}</p>
      </>
    );
  }
  return (
    <div class="stack leagues">
      {failed}
      {page.last && news && !dismissed && (
        <Banner kind="info" onClose={() => setDismissed(true)}>
          <span class={`outcome-news move-${page.last.move}`}>Last week: {sentence(page.last.message)}</span>{" "}
          <span class="outcome-detail">You finished #{page.last.rank} in {weekLabel(page.last.week).toLowerCase()}.</span>
        </Banner>
      )}
      <section class="card" aria-labelledby="league-title">
        <h1 id="league-title">Leagues</h1>
        <TierBadge page={page} />
        <WeekLeft endsAt={page.endsAt} week={page.week} skewMs={skewMs} />
        {page.last && (!news || dismissed) && (
          <p class="hint last-week" data-testid="last-week">Last week ({weekLabel(page.last.week)}): {sentence(page.last.message)} You finished #{page.last.rank}.</p>
        )}
      </section>
      <section class="card" aria-labelledby="cohort-title">
        <h2 id="cohort-title">Your cohort</h2>
        {page.joined && page.cohort ? <Cohort page={page} meId={meId} /> : <NotJoined page={page} onPlay={() => nav.go({ name: "home" })} />}
      </section>
    </div>
  );
}

/** The tier's name, its place among the ten, and a ladder of the ten (for the eye only). */
function TierBadge({ page }: { page: LeaguePage }) {
  const n = page.tiers.length;
  return (
    <div class="tier-badge" data-testid="tier-badge">
      <span class={`tier-medal tier-${page.tier}`} aria-hidden="true">{page.tier + 1}</span>
      <div>
        <p class="tier-name">{page.tierName} league</p>
        <p class="hint">Tier {page.tier + 1} of {n}</p>
        <ol class="tier-ladder" aria-hidden="true">
          {page.tiers.map((t, i) => <li key={t} class={i === page.tier ? "on" : i < page.tier ? "below" : ""} title={t} />)}
        </ol>
      </div>
    </div>
  );
}

/** The time left in the league week, counted down on this device. */
function WeekLeft({ endsAt, week, skewMs }: { endsAt: number; week: string; skewMs: number }) {
  const left = timeLeft(endsAt, useNow() + skewMs);
  return (
    <p class="week-left" data-testid="time-left">
      <span class="sr-only">{weekLabel(week)}: {left.long}</span>
      <span aria-hidden="true">{weekLabel(week)} · <time dateTime={new Date(endsAt).toISOString()}>{left.short}</time></span>
    </p>
  );
}

function Cohort({ page, meId }: { page: LeaguePage; meId?: string }) {
  const c = page.cohort!;
  return (
    <>
      <p class="my-standing" data-testid="my-standing">{standingLine(page)}</p>
      <p class="hint">
        {c.standings.length} of {c.size} learners so far. At the week's end {moves(c.promote, "top", "up")} and {moves(c.demote, "bottom", "down")}.
        {" "}Updates by itself while open.
      </p>
      <LeagueStandings page={page} meId={meId} />
    </>
  );
}

function NotJoined({ page, onPlay }: { page: LeaguePage; onPlay: () => void }) {
  return (
    <div class="not-joined" data-testid="not-joined">
      <p class="big-text">Earn XP this week to join a league.</p>
      <p>Finish a duel or a practice and you'll be placed in a {page.tierName} cohort of learners earning XP this week, ranked by that week's XP.</p>
      <button class="primary" onClick={onPlay}>Play now</button>
    </div>
  );
}

/** The server's message as a sentence ("Promoted to Silver" → "Promoted to Silver."). */
function sentence(s: string): string {
  return /[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`;
}
