import type { LeaguePage } from "../../../../client-sdk";
import { formatNumber, translate, useT } from "../../i18n";
import { byZone, tierName, zoneHeading, zoneMark } from "./league-view";

/**
 * The cohort's standings: one row group per zone, each headed by what it means in words
 * ("Promotion zone: the top 7 move up to Silver"), and each row's zone in a column of its own,
 * so the zones never rest on colour. The learner's row says "(you)".
 */
export function LeagueStandings({ page, meId }: { page: LeaguePage; meId?: string }) {
  const t = useT();
  const cohort = page.cohort;
  if (!cohort) return null;
  const isMe = (userId: string, rank: number) => (meId ? userId === meId : rank === page.me?.rank);
  return (
    <table class="board league" aria-label={t("leagues:standingsLabel", { tier: tierName(page.tier, page, translate) })}>
      <thead>
        <tr>
          <th scope="col">{t("boards.rank")}</th>
          <th scope="col">{t("boards.learner")}</th>
          <th scope="col" class="num">{t("leagues:weekXp")}</th>
          <th scope="col">{t("leagues:zoneColumn")}</th>
        </tr>
      </thead>
      {byZone(cohort.standings).map(({ zone, rows }) => (
        <tbody key={zone} class={`zone-${zone}`} data-zone={zone}>
          <tr class="zone-head">
            <th scope="rowgroup" colSpan={4}>{zoneHeading(zone, page, translate)}</th>
          </tr>
          {rows.map((r) => {
            const mine = isMe(r.userId, r.rank);
            const mark = zoneMark(r.zone, translate);
            return (
              <tr key={r.userId} class={mine ? "me" : ""} aria-current={mine ? "true" : undefined}>
                <td>#{formatNumber(r.rank)}</td>
                <td class="who">{mine ? t("you", { name: r.name }) : r.name}</td>
                <td class="num">{t("xp", { n: r.xp })}</td>
                <td class="zone">{mark.arrow && <span aria-hidden="true">{mark.arrow} </span>}{mark.text}</td>
              </tr>
            );
          })}
        </tbody>
      ))}
    </table>
  );
}
