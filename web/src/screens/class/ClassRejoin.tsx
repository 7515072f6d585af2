import { useEffect } from "preact/hooks";
import { LinguaLeapError } from "../../../../client-sdk";
import type { Nav } from "../../app";
import { needsSignIn } from "../../errors";
import { client } from "../../game";
import { useT } from "../../i18n";
import { forgetSeat, type ClassSeat } from "./class-seat";

/** After a reload: back into the class game this tab was in, or on to where it can go from here. */
export function ClassRejoin({ nav, seat }: { nav: Nav; seat: ClassSeat }) {
  const t = useT();
  useEffect(() => {
    client.rejoinClassGame(seat.roomId, seat.role).then(
      (session) => nav.go(seat.role === "host" ? { name: "class-host", host: session, pin: seat.pin } : { name: "class-play", game: session }),
      (err) => {
        forgetSeat();
        if (needsSignIn(err)) return nav.fail(err);
        nav.go(seat.role === "host" ? { name: "home" } : { name: "class-join", pin: seat.pin });
        nav.fail(err instanceof LinguaLeapError && err.code.startsWith("CLASS_") ? err : new LinguaLeapError("CLASS_ENDED", "this class game is over"));
      },
    );
  }, []);
  return <p class="card center" role="status">{t("class:rejoining")}</p>;
}
