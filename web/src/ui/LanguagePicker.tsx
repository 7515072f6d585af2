import { UI_LANGUAGES, uiLanguage, useT, type UiLanguage } from "../i18n";
import { chooseUiLanguage } from "../ui-language";

/** The interface language: a select labelled in the language on show, each language named in its own. */
export function LanguagePicker({ id = "ui-lang" }: { id?: string }) {
  const t = useT();
  return (
    <div class="ui-lang">
      <label for={id}>{t("uiLanguage")}</label>
      <select id={id} value={uiLanguage()} onChange={(e) => void chooseUiLanguage(e.currentTarget.value as UiLanguage)}>
        {UI_LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}
