import type { LeaguePage } from "../../../../client-sdk";
import { byZone, zoneHeading, zoneMark } from "./league-view";

/**
 * The cohort's standings: one row group per zone, each headed by what it means in words
 * ("Promotion zone: the top 7 move up to Silver"), and each row's zone in a column of its own,
 * so the zones never rest on colour. The learner's row says "(you)".
 */
export function LeagueStandings({ page, meId }: { page: LeaguePage; meId?: string }) {
  const cohort = page.cohort;
  if (!cohort) return null;
  const isMe = (userId: string, rank: number) => (meId ? userId === meId : rank === page.me?.rank);
  return (
    <table class="board league" aria-label={`${page.tierName} league standings`}>
      <thead>
        <tr>
          <th scope="col">Rank</th>
          <th scope="col">Learner</th>
          <th scope="col" class="num">Week XP</th>
          <th scope="col">Zone</th>
        </tr>
      </thead>
      {byZone(cohort.standings).map(({ zone, rows }) => (
        <tbody key={zone} class={`zone-${zone}`} data-zone={zone}>
          <tr class="zone-head">
            <th scope="rowgroup" colSpan={4}>{zoneHeading(zone, page)}</th>
          </tr>
          {rows.map((r) => {
            const mine = isMe(r.userId, r.rank);
            const mark = zoneMark(r.zone);
            return (
              <tr key={r.userId} class={mine ? "me" : ""} aria-current={mine ? "true" : undefined}>
                <td>#{r.rank}</td>
                <td class="who">{r.name}{mine ? " (you)" : ""}</td>
                <td class="num">{r.xp} XP</td>
                <td class="zone">{mark.arrow && <span aria-hidden="true">{mark.arrow} </span>}{mark.text}</td>
              </tr>
            );
          })}
        </tbody>
      ))}
    </table>
  );
}
