import { useEffect, useRef, useState } from "preact/hooks";
import type { KeptLesson } from "./kept-lessons";
import { currentLearner, kept, queue, sync } from "./offline.service";
import type { SyncEvent } from "./sync";

/** How many of this learner's practices wait to be sent; read again after every sync. */
export function useWaiting(): number {
  const [waiting, setWaiting] = useState(0);
  useEffect(() => {
    let stopped = false;
    const read = () => void queue.count(currentLearner()).then((n) => !stopped && setWaiting(n), () => undefined);
    const off = sync.on((e) => e.kind === "settled" && read());
    read();
    return () => {
      stopped = true;
      off();
    };
  }, []);
  return waiting;
}

/** The lessons kept on this device (undefined while reading), and a way to read them again. */
export function useKept(): { lessons?: KeptLesson[]; reload: () => void } {
  const [lessons, setLessons] = useState<KeptLesson[]>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    let stopped = false;
    kept.all().then((l) => !stopped && setLessons(l), () => !stopped && setLessons([]));
    return () => {
      stopped = true;
    };
  }, [round]);
  return { lessons, reload: () => setRound((r) => r + 1) };
}

/** Every sync event while the component is drawn. */
export function useSyncEvents(listener: (e: SyncEvent) => void): void {
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => sync.on((e) => latest.current(e)), []);
}
