import { useEffect, useState } from "preact/hooks";
import type { LeaguePage } from "../../../../client-sdk";
import type { Nav } from "../../app";
import { explain } from "../../errors";
import { client } from "../../game";
import { translate, useT } from "../../i18n";
import { Banner } from "../../ui/Banner";
import { LeagueStandings } from "./LeagueStandings";
import { moves, outcomeSentence, standingLine, tierName, timeLeft, weekLabel, weekNumber } from "./league-view";
import { useLeague, useNow, useOutcomeNews } from "./use-league";
import "./leagues.css";

/**
 * Weekly leagues: the learner's tier, their cohort ranked by this week's XP with the zones
 * that move up and down, the time left, and last week's outcome (a banner the first time).
 * Refreshed every 15 s while open.
 */
export function Leagues({ nav }: { nav: Nav }) {
  const t = useT();
  const { page, error, skewMs } = useLeague(nav.fail);
  const [meId, setMeId] = useState(client.user?.id);
  const [dismissed, setDismissed] = useState(false);
  const news = useOutcomeNews(page?.last, meId);

  useEffect(() => {
    // After a reload the SDK knows the token, not the learner: the profile says who they are.
    if (!meId) client.me().then((p) => setMeId(p.user.id), () => undefined);
  }, []);

  const failed = error !== undefined && (
    <Banner kind="error">{explain(error)} {page ? t("leagues:staleRetry") : t("leagues:retry")}</Banner>
  );
  if (!page) {
    return (
      <>
        {failed}
        <p class="card center" role="status">{failed ? t("leagues:notLoaded") : t("leagues:loading")}</p>
      </>
    );
  }
  return (
    <div class="stack leagues">
      {failed}
      {page.last && news && !dismissed && (
        <Banner kind="info" onClose={() => setDismissed(true)}>
          <span class={`outcome-news move-${page.last.move}`}>{t("leagues:lastWeekNews", { outcome: outcomeSentence(page.last, page, translate) })}</span>{" "}
          <span class="outcome-detail">{t("leagues:finishedIn", { rank: page.last.rank, week: weekNumber(page.last.week) ?? page.last.week })}</span>
        </Banner>
      )}
      <section class="card" aria-labelledby="league-title">
        <h1 id="league-title">{t("nav.leagues")}</h1>
        <TierBadge page={page} />
        <WeekLeft endsAt={page.endsAt} week={page.week} skewMs={skewMs} />
        {page.last && (!news || dismissed) && (
          <p class="hint last-week" data-testid="last-week">{t("leagues:lastWeek", { week: weekLabel(page.last.week, translate), outcome: outcomeSentence(page.last, page, translate), rank: page.last.rank })}</p>
        )}
      </section>
      <section class="card" aria-labelledby="cohort-title">
        <h2 id="cohort-title">{t("leagues:cohort")}</h2>
        {page.joined && page.cohort ? <Cohort page={page} meId={meId} /> : <NotJoined page={page} onPlay={() => nav.go({ name: "home" })} />}
      </section>
    </div>
  );
}

/** The tier's name, its place among the ten, and a ladder of the ten (for the eye only). */
function TierBadge({ page }: { page: LeaguePage }) {
  const t = useT();
  const n = page.tiers.length;
  return (
    <div class="tier-badge" data-testid="tier-badge">
      <span class={`tier-medal tier-${page.tier}`} aria-hidden="true">{page.tier + 1}</span>
      <div>
        <p class="tier-name">{t("leagues:league", { tier: tierName(page.tier, page, translate) })}</p>
        <p class="hint">{t("leagues:tierOf", { tier: page.tier + 1, n })}</p>
        <ol class="tier-ladder" aria-hidden="true">
          {page.tiers.map((name, i) => <li key={name} class={i === page.tier ? "on" : i < page.tier ? "below" : ""} title={tierName(i, page, translate)} />)}
        </ol>
      </div>
    </div>
  );
}

/** The time left in the league week, counted down on this device. */
function WeekLeft({ endsAt, week, skewMs }: { endsAt: number; week: string; skewMs: number }) {
  const t = useT();
  const left = timeLeft(endsAt, useNow() + skewMs, translate);
  const ends = t("leagues:endsAt", { at: new Date(endsAt) });
  return (
    <p class="week-left" data-testid="time-left">
      <span class="sr-only">{weekLabel(week, translate)}: {left.long}</span>
      <span aria-hidden="true">{weekLabel(week, translate)} · <time dateTime={new Date(endsAt).toISOString()} title={ends}>{left.short}</time></span>
    </p>
  );
}

function Cohort({ page, meId }: { page: LeaguePage; meId?: string }) {
  const t = useT();
  const c = page.cohort!;
  return (
    <>
      <p class="my-standing" data-testid="my-standing">{standingLine(page, translate)}</p>
      <p class="hint">
        {t("leagues:soFar", { n: c.standings.length, count: c.size })} {t("leagues:weekEnd", { up: moves(c.promote, "up", translate), down: moves(c.demote, "down", translate) })}
        {" "}{t("leagues:live")}
      </p>
      <LeagueStandings page={page} meId={meId} />
    </>
  );
}

function NotJoined({ page, onPlay }: { page: LeaguePage; onPlay: () => void }) {
  const t = useT();
  return (
    <div class="not-joined" data-testid="not-joined">
      <p class="big-text">{t("leagues:earnToJoin")}</p>
      <p>{t("leagues:placement", { tier: tierName(page.tier, page, translate) })}</p>
      <button class="primary" onClick={onPlay}>{t("start.playNow")}</button>
    </div>
  );
}
