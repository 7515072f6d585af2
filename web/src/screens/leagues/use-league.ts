import { useEffect, useState } from "preact/hooks";
import type { LeagueOutcome, LeaguePage } from "../../../../client-sdk";
import { needsSignIn } from "../../errors";
import { client } from "../../game";
import { nextPollMs } from "./league-view";

/** What the Leagues tab draws from: the latest page, and the last failure while there is one. */
export interface LeagueLive {
  page?: LeaguePage;
  /** The server's clock minus the device's, as of the latest page (a device whose clock is off still counts the week right). */
  skewMs: number;
  /** The last ask failed (the page, if any, is the one before); cleared by the next answer. */
  error?: unknown;
}

/**
 * Asks for the learner's league now and again every 15 s while the tab is open, backing off
 * while the server fails; stops when the tab closes, pauses while the browser tab is hidden.
 * A token the server no longer takes goes to `onSignedOut` and the asking stops.
 */
export function useLeague(onSignedOut: (err: unknown) => void): LeagueLive {
  const [live, setLive] = useState<LeagueLive>({ skewMs: 0 });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asking = false;
    let failures = 0;
    const ask = async () => {
      timer = undefined;
      // Hidden: nobody is looking; the visibility change asks again.
      if (stopped || asking || document.hidden) return;
      asking = true;
      try {
        const page = await client.league();
        failures = 0;
        if (!stopped) setLive({ page, skewMs: page.now - Date.now() });
      } catch (err) {
        if (stopped) return;
        if (needsSignIn(err)) {
          stopped = true;
          return onSignedOut(err);
        }
        failures++;
        setLive((l) => ({ ...l, error: err }));
      } finally {
        asking = false;
      }
      if (!stopped && !document.hidden) timer = setTimeout(ask, nextPollMs(failures));
    };
    const onVisibility = () => {
      if (!document.hidden && timer === undefined) void ask();
    };
    document.addEventListener("visibilitychange", onVisibility);
    void ask();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, []);
  return live;
}

/** Re-renders every `ms` (the time left counts down on this device's clock). */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

const SEEN_KEY = "lingualeap.league.outcome";
const SEEN_KEPT = 20;

/**
 * Whether last week's outcome is news: true the first time this learner's tab sees it (it is
 * then remembered per learner and week in localStorage, so it is a banner once, then a quiet
 * line). Decided once per outcome while the tab is open, so the banner stays until dismissed.
 */
export function useOutcomeNews(last: LeagueOutcome | null | undefined, userId: string | undefined): boolean {
  const [news, setNews] = useState("");
  const week = last?.week ?? "";
  useEffect(() => {
    if (!week || !userId) return;
    const seen = readSeen();
    if (seen[userId] === week) return;
    // Newest last, and only the latest learners of this browser kept (a shared family tablet).
    delete seen[userId];
    seen[userId] = week;
    writeSeen(Object.fromEntries(Object.entries(seen).slice(-SEEN_KEPT)));
    setNews(`${userId}:${week}`);
  }, [week, userId]);
  return week !== "" && news === `${userId}:${week}`;
}

function readSeen(): Record<string, string> {
  try {
    const seen: unknown = JSON.parse(localStorage.getItem(SEEN_KEY) ?? "{}");
    return seen && typeof seen === "object" ? (seen as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function writeSeen(seen: Record<string, string>): void {
  try {
    localStorage.setItem(SEEN_KEY, JSON.stringify(seen));
  } catch {
    // Private mode or full storage: the banner may come again next visit, nothing worse.
  }
}
