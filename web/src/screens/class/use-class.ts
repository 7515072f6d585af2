import { useEffect, useState } from "preact/hooks";
import type { ClassSession, ClassView, LinguaLeapError } from "../../../../client-sdk";

/** What a class screen draws from: the latest view, and how the connection is doing. */
export interface ClassLive {
  view?: ClassView;
  /** The SDK is reconnecting after a drop. */
  reconnecting: boolean;
  /** The session is over: `error` says why when it was not a normal end. */
  closed?: { error?: LinguaLeapError };
}

/** Follows a class session: every state, the reconnection and the close. */
export function useClass(session: ClassSession): ClassLive {
  const [live, setLive] = useState<ClassLive>({ view: session.view, reconnecting: false });
  useEffect(() => {
    const offs = [
      session.on("state", (view) => setLive((l) => ({ ...l, view }))),
      session.on("reconnecting", () => setLive((l) => ({ ...l, reconnecting: true }))),
      session.on("reconnected", () => setLive((l) => ({ ...l, reconnecting: false }))),
      session.on("closed", ({ error }) => setLive((l) => ({ ...l, reconnecting: false, closed: { error } }))),
    ];
    // A state that came between the first render and these subscriptions is not lost.
    setLive((l) => (l.view === session.view ? l : { ...l, view: session.view }));
    return () => offs.forEach((off) => off());
  }, [session]);
  return live;
}
