/**
 * The interface language and the account: a learner's pick is kept on this device at once
 * (i18n.ts, localStorage) and, when signed in, for the account (PUT /api/me/ui-language), so
 * another device signs in to the same language. The account's choice wins at start-up and
 * sign-in, unless this device holds a pick the server has not taken yet (it failed to save):
 * then that pick is sent again instead of being overwritten by the older one.
 */
import type { Profile } from "../../client-sdk";
import { client } from "./game";
import { setUiLanguage, supported, uiLanguage, type UiLanguage } from "./i18n";
import { forget, keep, readKept } from "./storage";

const UNSAVED = "lingualeap.uiLang.unsaved";

/** The learner picks a language: shown at once, kept here, and kept for the account if signed in. A failure to save is not an error the learner sees. */
export async function chooseUiLanguage(code: UiLanguage): Promise<void> {
  await setUiLanguage(code);
  if (client.token) await saveForAccount(code);
}

/** After start-up or sign-in, with the learner's profile: switch to the account's language, or send this device's unsaved pick. */
export async function followAccount(profile: Profile): Promise<void> {
  if (unsaved()) return saveForAccount(uiLanguage());
  const kept = supported(profile.user.uiLang);
  if (kept && kept !== uiLanguage()) await setUiLanguage(kept);
}

async function saveForAccount(code: UiLanguage): Promise<void> {
  try {
    await client.setInterfaceLanguage(code);
    mark(false);
  } catch {
    // Offline, or the server cannot keep it now: kept on this device, sent again next start.
    mark(true);
  }
}

function unsaved(): boolean {
  return readKept(UNSAVED) === "1";
}

function mark(on: boolean): void {
  if (on) keep(UNSAVED, "1");
  else forget(UNSAVED);
}
