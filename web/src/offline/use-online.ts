import { useEffect, useState } from "preact/hooks";

/**
 * Whether the browser has a network: navigator.onLine, kept up to date by the `online` and
 * `offline` events. `false` is reliable (no network at all); `true` only means some network,
 * so screens still handle a failed request as they always have.
 * @example const online = useOnline(); if (!online) return <OfflineNotice what="boards" />;
 */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => typeof navigator === "undefined" || navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    // It may have changed between the first draw and now.
    update();
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  return online;
}
