import { useEffect, useState } from "preact/hooks";
import { useT } from "../i18n";

/**
 * The round's countdown bar. The server's `roundEndsAt` is its own clock: the bar runs on
 * this device's clock from when the round arrived, so a skewed clock cannot empty it early.
 */
export function RoundTimer({ roundEndsAt, roundMs, round }: { roundEndsAt: number; roundMs: number; round: number }) {
  const t = useT();
  const [end] = useState(() => {
    const left = roundEndsAt - Date.now();
    return Date.now() + (left > 0 && left <= roundMs + 1000 ? left : roundMs);
  });
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    let frame = 0;
    const tick = () => {
      setNow(Date.now());
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [round]);
  const left = Math.max(0, end - now);
  const share = roundMs > 0 ? left / roundMs : 0;
  const seconds = Math.ceil(left / 1000);
  return (
    <div class="timer">
      <div class="bar" role="progressbar" aria-label={t("timeLeft")} aria-valuemin={0} aria-valuemax={Math.round(roundMs / 1000)} aria-valuenow={seconds}>
        <div class={share < 0.25 ? "fill low" : "fill"} style={{ transform: `scaleX(${share})` }} />
      </div>
      <span class="seconds" aria-hidden="true">{t("seconds", { n: seconds })}</span>
    </div>
  );
}
